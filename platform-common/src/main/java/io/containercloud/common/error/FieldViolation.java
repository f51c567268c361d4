package io.containercloud.common.error;

/**
 * One offending input field in a problem response.
 *
 * @param field the field's path as the client sent it, for example {@code spec.replicas}
 * @param reason why it was refused, in words an operator can act on
 */
public record FieldViolation(String field, String reason) {}
