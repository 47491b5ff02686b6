/**
 * safetensors I/O (spec §7; format and validation follow huggingface/safetensors).
 *
 * <ul>
 *   <li>{@link dev.ocelli.core.safetensors.SafetensorsFile}: one file, memory-mapped through FFM,
 *       tensors are zero-copy views of the mapping.</li>
 *   <li>{@link dev.ocelli.core.safetensors.SafetensorsCheckpoint}: a model directory, sharded via
 *       {@code model.safetensors.index.json} or a single file.</li>
 *   <li>{@link dev.ocelli.core.safetensors.SafetensorsWriter}: atomic writes (temp file + rename).</li>
 *   <li>{@link dev.ocelli.core.safetensors.SafetensorsHeader}: the validating header parser, usable
 *       on any {@link java.lang.foreign.MemorySegment}.</li>
 * </ul>
 *
 * Every format violation is a {@link dev.ocelli.core.safetensors.SafetensorsFormatException}
 * naming the file, the tensor and the {@link dev.ocelli.core.safetensors.SafetensorsFormatException.Rule}
 * in one line. The malformed corpus under {@code src/test/resources/safetensors/malformed/} has
 * one or more files per rule.
 */
package dev.ocelli.core.safetensors;
