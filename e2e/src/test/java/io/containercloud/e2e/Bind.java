package io.containercloud.e2e;

import io.containercloud.common.testing.LocalInfra;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.Lookup;
import org.xbill.DNS.Record;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/** What the local BIND answers, asked as any client would (no cache). */
final class Bind {

  private Bind() {}

  /** The A addresses of {@code name}, sorted; none for NXDOMAIN or no data. */
  static List<String> addresses(String name) {
    try {
      SimpleResolver resolver = new SimpleResolver("127.0.0.1");
      resolver.setPort(LocalInfra.BIND_PORT);
      resolver.setTimeout(Duration.ofSeconds(2));
      Lookup lookup = new Lookup(name, Type.A);
      lookup.setResolver(resolver);
      lookup.setCache(null);
      Record[] records = lookup.run();
      return records == null
          ? List.of()
          : Arrays.stream(records)
              .map(r -> ((ARecord) r).getAddress().getHostAddress())
              .sorted()
              .toList();
    } catch (TextParseException | UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }
}
