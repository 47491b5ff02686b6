package dev.ocelli.cli;

/** A user error the CLI itself detects (missing file, bad argument); exits with status 2. */
public final class CliException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public CliException(String message) {
        super(message);
    }
}
