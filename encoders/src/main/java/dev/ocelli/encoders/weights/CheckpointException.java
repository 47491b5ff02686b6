package dev.ocelli.encoders.weights;

import dev.ocelli.core.OcelliException;

/**
 * A checkpoint does not fit the model: keys missing, unexpected or of the wrong shape (the
 * cases PyTorch's {@code load_state_dict(strict=True)} refuses), an undetectable or ambiguous
 * prefix, or an unreadable config.json. {@link #getMessage()} is one line; {@link #report()}
 * (when there is one) lists every problem and {@link #details()} prints them all.
 */
public final class CheckpointException extends OcelliException {

    private final LoadReport report;

    public CheckpointException(String message) {
        super(message);
        this.report = null;
    }

    public CheckpointException(String message, Throwable cause) {
        super(message, cause);
        this.report = null;
    }

    public CheckpointException(LoadReport report) {
        super(report.summary());
        this.report = report;
    }

    /** The strict report, or null when the failure came before key matching. */
    public LoadReport report() {
        return report;
    }

    /** The one-line message, then every missing / unexpected / mismatched key, one per line. */
    public String details() {
        return report == null ? getMessage() : report.details();
    }
}
