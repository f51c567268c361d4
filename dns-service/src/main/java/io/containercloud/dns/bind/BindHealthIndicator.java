package io.containercloud.dns.bind;

import java.io.IOException;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/** Up while BIND answers authoritatively for the probe zone's SOA. */
@Component("bind")
class BindHealthIndicator implements HealthIndicator {

  private final BindProperties properties;

  BindHealthIndicator(BindProperties properties) {
    this.properties = properties;
  }

  @Override
  public Health health() {
    try {
      SimpleResolver resolver = new SimpleResolver(properties.host());
      resolver.setPort(properties.port());
      resolver.setTimeout(properties.timeout());
      Name zone = Name.fromString(properties.probeZone(), Name.root);
      Message answer = resolver.send(Message.newQuery(Record.newRecord(zone, Type.SOA, DClass.IN)));
      int rcode = answer.getRcode();
      if (rcode == Rcode.NOERROR && answer.getHeader().getFlag(org.xbill.DNS.Flags.AA)) {
        return Health.up().withDetail("zone", properties.probeZone()).build();
      }
      return Health.down().withDetail("rcode", Rcode.string(rcode)).build();
    } catch (IOException e) {
      return Health.down().withDetail("error", e.getClass().getSimpleName()).build();
    }
  }
}
