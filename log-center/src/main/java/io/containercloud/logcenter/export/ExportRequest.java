package io.containercloud.logcenter.export;

import java.util.Map;

/**
 * An export asked for: {@code ndjson} or {@code csv}, and the same filters a search takes ({@code
 * app}, {@code pod}, {@code from}, {@code to}, {@code q}, ...).
 */
record ExportRequest(String format, Map<String, String> filters) {}
