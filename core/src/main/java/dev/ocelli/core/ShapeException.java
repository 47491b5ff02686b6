package dev.ocelli.core;

/**
 * A shape, stride, dim or index does not fit the tensor it is applied to.
 *
 * <p>The message always names the shapes involved, formatted like {@link Shapes#str}, e.g.
 * {@code "cannot reshape [1,577,1024] to [1,576,1024]"}.
 */
public class ShapeException extends OcelliException {

    public ShapeException(String message) {
        super(message);
    }
}
