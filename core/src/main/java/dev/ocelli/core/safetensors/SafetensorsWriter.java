package dev.ocelli.core.safetensors;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.ocelli.core.Layout;
import dev.ocelli.core.OcelliException;
import dev.ocelli.core.Tensor;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.Objects;

/**
 * Writes safetensors files the way the reference writer does: header padded with spaces to a
 * multiple of 8 (so the data buffer starts 8-aligned), tensors in the given order, each stored
 * C-order little-endian. Non-contiguous tensors (permuted, sliced, expanded views) are gathered
 * element by element into C order; contiguous ones are copied as one block.
 *
 * <p>The file is written to a temporary file in the target's directory and then atomically
 * renamed over the target, so readers (even ones that have the old file mapped) never see a
 * partial file and a crash leaves at most a stray {@code .tmp} file, never a truncated target.
 */
public final class SafetensorsWriter {

    /** Bytes gathered per write call for non-contiguous tensors and chunked block copies. */
    private static final int CHUNK = 1 << 20;

    private SafetensorsWriter() {
    }

    /**
     * Writes {@code tensorsInOrder} (iteration order = file order) with {@code metadata} as
     * {@code __metadata__} (omitted when empty or null).
     *
     * @throws IllegalArgumentException for a tensor named {@code __metadata__} or a header over
     *         100 MB
     * @throws UncheckedIOException when the file cannot be written; the target is then untouched
     */
    public static void write(Path path, Map<String, Tensor> tensorsInOrder, Map<String, String> metadata) {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(tensorsInOrder, "tensorsInOrder");
        if (!ByteOrder.nativeOrder().equals(ByteOrder.LITTLE_ENDIAN)) {
            // heap float[] storages are host order; safetensors is little-endian
            throw new OcelliException("writing safetensors needs a little-endian host");
        }
        byte[] header = header(path, tensorsInOrder, metadata);
        Path abs = path.toAbsolutePath();
        Path dir = abs.getParent();
        Path tmp = null;
        try {
            tmp = Files.createTempFile(dir, "." + abs.getFileName() + ".", ".tmp");
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer prefix = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(header.length).flip();
                writeFully(ch, prefix);
                writeFully(ch, ByteBuffer.wrap(header));
                ByteBuffer scratch = ByteBuffer.allocate(CHUNK);
                for (Map.Entry<String, Tensor> e : tensorsInOrder.entrySet()) {
                    writeTensor(ch, e.getValue(), scratch);
                }
                ch.force(true);
            }
            try {
                Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                // same directory, so this only happens on exotic file systems
                Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING);
            }
            tmp = null;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write safetensors file " + path + ": " + e.getMessage(), e);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // the original failure is what the caller needs to see
                }
            }
        }
    }

    /** The JSON header, space-padded to a multiple of 8 bytes. */
    static byte[] header(Path path, Map<String, Tensor> tensors, Map<String, String> metadata) {
        StringWriter sw = new StringWriter();
        try (JsonGenerator g = StrictJson.FACTORY.createGenerator(sw)) {
            g.writeStartObject();
            if (metadata != null && !metadata.isEmpty()) {
                g.writeObjectFieldStart("__metadata__");
                for (Map.Entry<String, String> m : metadata.entrySet()) {
                    g.writeStringField(Objects.requireNonNull(m.getKey(), "metadata key"),
                            Objects.requireNonNull(m.getValue(), "metadata value of " + m.getKey()));
                }
                g.writeEndObject();
            }
            long offset = 0;
            for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
                String name = Objects.requireNonNull(e.getKey(), "tensor name");
                Tensor t = Objects.requireNonNull(e.getValue(), "tensor " + name);
                if (name.equals("__metadata__")) {
                    throw new IllegalArgumentException(path + ": '__metadata__' is reserved and cannot name a tensor");
                }
                long bytes = Math.multiplyExact(t.numel(), (long) t.dtype().byteSize());
                g.writeObjectFieldStart(name);
                g.writeStringField("dtype", t.dtype().name());
                g.writeArrayFieldStart("shape");
                for (long d : t.shape()) {
                    g.writeNumber(d);
                }
                g.writeEndArray();
                g.writeArrayFieldStart("data_offsets");
                g.writeNumber(offset);
                g.writeNumber(offset + bytes);
                g.writeEndArray();
                g.writeEndObject();
                offset = Math.addExact(offset, bytes);
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        byte[] json = sw.toString().getBytes(StandardCharsets.UTF_8);
        int padded = (json.length + 7) & ~7;
        if (padded > SafetensorsHeader.MAX_HEADER_SIZE) {
            throw new IllegalArgumentException(path + ": header of " + padded + " bytes exceeds the "
                    + SafetensorsHeader.MAX_HEADER_SIZE + "-byte limit readers enforce");
        }
        byte[] out = new byte[padded];
        System.arraycopy(json, 0, out, 0, json.length);
        for (int i = json.length; i < padded; i++) {
            out[i] = ' ';
        }
        return out;
    }

    private static void writeTensor(FileChannel ch, Tensor t, ByteBuffer scratch) throws IOException {
        Layout l = t.layout();
        long numel = l.numel();
        if (numel == 0) {
            return;
        }
        int es = t.dtype().byteSize();
        MemorySegment src = t.storage().segment();
        if (l.isContiguous()) {
            writeSegment(ch, src.asSlice(l.offset() * es, numel * es), scratch);
            return;
        }
        // Gather in C order. The innermost dim is copied as one run when its stride is 1.
        long[] shape = l.shape();
        long[] strides = l.strides();
        int rank = shape.length;
        long inner = shape[rank - 1];
        long innerStride = strides[rank - 1];
        long[] idx = new long[rank];
        MemorySegment buf = MemorySegment.ofBuffer(scratch.clear());
        long fill = 0;
        long rows = numel / inner;
        for (long r = 0; r < rows; r++) {
            long base = l.offset();
            for (int d = 0; d < rank - 1; d++) {
                base += idx[d] * strides[d];
            }
            if (innerStride == 1) {
                long runBytes = inner * es;
                long done = 0;
                while (done < runBytes) {
                    long n = Math.min(runBytes - done, CHUNK - fill);
                    MemorySegment.copy(src, base * es + done, buf, fill, n);
                    fill += n;
                    done += n;
                    if (fill == CHUNK) {
                        flush(ch, scratch, fill);
                        fill = 0;
                    }
                }
            } else {
                for (long j = 0; j < inner; j++) {
                    MemorySegment.copy(src, (base + j * innerStride) * es, buf, fill, es);
                    fill += es;
                    if (fill + es > CHUNK) {
                        flush(ch, scratch, fill);
                        fill = 0;
                    }
                }
            }
            // odometer over the outer dims
            for (int d = rank - 2; d >= 0; d--) {
                if (++idx[d] < shape[d]) {
                    break;
                }
                idx[d] = 0;
            }
        }
        if (fill > 0) {
            flush(ch, scratch, fill);
        }
    }

    private static void flush(FileChannel ch, ByteBuffer scratch, long fill) throws IOException {
        scratch.clear().limit((int) fill);
        writeFully(ch, scratch);
        scratch.clear();
    }

    /**
     * Writes a segment of any size (mapped tensors can exceed 2 GB) in bounded chunks. Heap
     * float[] segments cannot become ByteBuffers, so everything goes through the scratch buffer.
     */
    private static void writeSegment(FileChannel ch, MemorySegment seg, ByteBuffer scratch) throws IOException {
        MemorySegment buf = MemorySegment.ofBuffer(scratch.clear());
        long size = seg.byteSize();
        for (long off = 0; off < size; off += CHUNK) {
            long n = Math.min(CHUNK, size - off);
            MemorySegment.copy(seg, off, buf, 0, n);
            flush(ch, scratch, n);
        }
    }

    private static void writeFully(FileChannel ch, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            ch.write(b);
        }
    }
}
