package dev.ocelli.core;

/**
 * Base of every error Ocelli raises on purpose: bad shapes, unsupported dtypes, malformed files.
 *
 * <p>Callers that want to tell "Ocelli rejected this input" apart from programming errors catch
 * this type. Messages name the file, tensor or shape involved.
 */
public class OcelliException extends RuntimeException {

    public OcelliException(String message) {
        super(message);
    }

    public OcelliException(String message, Throwable cause) {
        super(message, cause);
    }
}
