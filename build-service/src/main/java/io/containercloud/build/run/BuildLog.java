package io.containercloud.build.run;

import io.containercloud.build.executor.BuildProperties;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * The logs of builds: every line a build's steps print, kept in MariaDB in chunks (so the whole log
 * stays with the build when its containers or pod are gone) and handed at once to whoever follows
 * the build live. A build keeps at most {@code platform.build.log-cap}; past it, one line says so
 * and the rest is dropped.
 */
@Component
public class BuildLog {

  private static final int CHUNK = 64 * 1024;

  private final JdbcTemplate jdbc;
  private final long cap;
  private final Map<Long, Writer> open = new ConcurrentHashMap<>();
  private final Map<Long, List<Consumer<String>>> followers = new ConcurrentHashMap<>();

  BuildLog(JdbcTemplate jdbc, BuildProperties properties) {
    this.jdbc = jdbc;
    this.cap = properties.logCap().toBytes();
  }

  /** Adds a line of build {@code id}'s log (without its line end). */
  public void line(long id, String line) {
    open.computeIfAbsent(id, Writer::new).add(line);
  }

  /** Writes what is buffered and forgets the build's writer: its log is complete. */
  public void close(long id) {
    Writer writer = open.remove(id);
    if (writer != null) {
      writer.flush();
    }
    List<Consumer<String>> gone = followers.remove(id);
    if (gone != null) {
      gone.forEach(f -> f.accept(null));
    }
  }

  /** The whole stored log. */
  public String read(long id) {
    flushIfOpen(id);
    return String.join(
        "",
        jdbc.queryForList(
            "SELECT content FROM build_log WHERE build_id = ? ORDER BY seq", String.class, id));
  }

  /**
   * What is stored so far, then every later line as it comes, and {@code null} once the log is
   * complete; returns a handle that stops following.
   */
  Runnable follow(long id, Consumer<String> stored, Consumer<String> live) {
    List<Consumer<String>> list = followers.computeIfAbsent(id, k -> new CopyOnWriteArrayList<>());
    synchronized (lock(id)) {
      stored.accept(read(id));
      list.add(live);
    }
    return () -> list.remove(live);
  }

  private Object lock(long id) {
    Writer writer = open.get(id);
    return writer == null ? this : writer;
  }

  private void flushIfOpen(long id) {
    Writer writer = open.get(id);
    if (writer != null) {
      writer.flush();
    }
  }

  /** One build's buffered lines and how much of its cap is used. */
  private final class Writer {

    private final long id;
    private final StringBuilder buffer = new StringBuilder();
    private long written;
    private int seq;
    private boolean full;

    Writer(long id) {
      this.id = id;
    }

    synchronized void add(String line) {
      if (full) {
        return;
      }
      String text = line + "\n";
      long size = text.getBytes(StandardCharsets.UTF_8).length;
      if (written + size > cap) {
        full = true;
        text = "[log cut at " + written + " bytes: the cap per build is " + cap + " bytes]\n";
        size = text.length();
      }
      buffer.append(text);
      written += size;
      List<Consumer<String>> live = followers.get(id);
      if (live != null) {
        String shown = text;
        live.forEach(f -> f.accept(shown));
      }
      if (buffer.length() >= CHUNK) {
        flush();
      }
    }

    synchronized void flush() {
      if (buffer.isEmpty()) {
        return;
      }
      if (seq == 0) {
        Integer last =
            jdbc.queryForObject(
                "SELECT MAX(seq) FROM build_log WHERE build_id = ?", Integer.class, id);
        seq = last == null ? 0 : last + 1;
      }
      List<Object[]> rows = new ArrayList<>();
      rows.add(new Object[] {id, seq++, buffer.toString()});
      jdbc.batchUpdate("INSERT INTO build_log (build_id, seq, content) VALUES (?, ?, ?)", rows);
      buffer.setLength(0);
    }
  }
}
