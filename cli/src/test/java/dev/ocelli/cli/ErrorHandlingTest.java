package dev.ocelli.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ocelli.core.OcelliException;
import java.io.IOException;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Main's exception handler, exercised through throwaway subcommands. */
class ErrorHandlingTest {

    @Command(name = "boom")
    static final class Boom extends OcelliCommand {
        static RuntimeException next;
        static Exception nextChecked;
        static Error nextError;

        @Override
        public Integer call() throws Exception {
            if (nextError != null) {
                throw nextError;
            }
            if (nextChecked != null) {
                throw nextChecked;
            }
            throw next;
        }
    }

    private static CliRunner boom(Exception e, String... args) {
        Boom.nextError = null;
        Boom.next = e instanceof RuntimeException re ? re : null;
        Boom.nextChecked = e instanceof RuntimeException ? null : e;
        String[] all = new String[args.length + 1];
        all[0] = "boom";
        System.arraycopy(args, 0, all, 1, args.length);
        return CliRunner.run(cl -> cl.addSubcommand(new CommandLine(new Boom())), all);
    }

    @Test
    void ocelliExceptionIsOneLineExit2() {
        CliRunner r = boom(new OcelliException("cannot reshape [1,577,1024] to [1,576,1024]\nsecond line"));
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.errLines()).containsExactly("ocelli: cannot reshape [1,577,1024] to [1,576,1024] | second line");
        assertThat(r.out()).isEmpty();
    }

    @Test
    void ioExceptionIsOneLineExit2() {
        CliRunner r = boom(new IOException("disk on fire"));
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.errLines()).containsExactly("ocelli: I/O error: IOException: disk on fire");
    }

    @Test
    void unexpectedExceptionIsOneLineExit1WithoutTrace() {
        CliRunner r = boom(new IllegalStateException("bug"));
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.errLines()).hasSize(1);
        assertThat(r.err()).startsWith("ocelli: internal error: IllegalStateException: bug")
                .contains("--verbose");
    }

    @Test
    void verboseAddsTheStackTrace() {
        CliRunner r = boom(new IllegalStateException("bug"), "--verbose");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.errLines()[0]).isEqualTo("ocelli: internal error: IllegalStateException: bug");
        assertThat(r.err()).contains("java.lang.IllegalStateException: bug").contains("\tat ");
    }

    @Test
    void nullMessageStillSaysSomething() {
        CliRunner r = boom(new NullPointerException());
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.errLines()).hasSize(1);
        assertThat(r.err()).startsWith("ocelli: internal error: NullPointerException");
    }

    @Test
    void stackOverflowIsOneLineExit1() {
        Boom.nextError = new StackOverflowError();
        try {
            CliRunner r = CliRunner.run(cl -> cl.addSubcommand(new CommandLine(new Boom())), "boom");
            assertThat(r.exit()).isEqualTo(1);
            assertThat(r.errLines()).containsExactly("ocelli: internal error: StackOverflowError");
        } finally {
            Boom.nextError = null;
        }
    }

    @Test
    void errorsAreOneLineExit1() {
        Boom.nextError = new OutOfMemoryError("Java heap space");
        try {
            CliRunner r = CliRunner.run(cl -> cl.addSubcommand(new CommandLine(new Boom())), "boom");
            assertThat(r.exit()).isEqualTo(1);
            assertThat(r.errLines()).hasSize(1);
            assertThat(r.err()).startsWith("ocelli: out of memory (Java heap space)").contains("-Xmx");
        } finally {
            Boom.nextError = null;
        }
    }
}
