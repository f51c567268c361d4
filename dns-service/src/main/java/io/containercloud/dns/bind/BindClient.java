package io.containercloud.dns.bind;

import io.containercloud.dns.model.RecordType;
import java.io.IOException;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import org.springframework.stereotype.Component;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SRVRecord;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;
import org.xbill.DNS.Update;
import org.xbill.DNS.ZoneTransferException;
import org.xbill.DNS.ZoneTransferIn;

/**
 * Talks to BIND: RFC 2136 dynamic updates and AXFR zone transfers, both signed with the zone's TSIG
 * key. Records are built as typed dnsjava objects from validated values, never parsed from text, so
 * nothing a user typed can become zone-file syntax.
 */
@Component
public class BindClient {

  private static final EnumSet<RecordType> MANAGED = EnumSet.allOf(RecordType.class);
  private static final int TXT_CHUNK = 255;

  private final TsigKeyring keys;
  private final BindProperties properties;

  BindClient(TsigKeyring keys, BindProperties properties) {
    this.keys = keys;
    this.properties = properties;
  }

  /** Sends all changes in one update message: they take effect together or not at all. */
  public UpdateOutcome apply(ZoneTarget target, List<RRsetChange> changes) {
    try {
      Update update = new Update(absolute(target.zone()));
      for (RRsetChange change : changes) {
        addTo(update, change);
      }
      Message response = resolver(target).send(update);
      int rcode = response.getRcode();
      if (rcode == Rcode.NOERROR) {
        return new UpdateOutcome.Applied();
      }
      if (rcode == Rcode.NXRRSET
          || rcode == Rcode.YXRRSET
          || rcode == Rcode.NXDOMAIN
          || rcode == Rcode.YXDOMAIN) {
        return new UpdateOutcome.PrerequisiteFailed(Rcode.string(rcode));
      }
      return new UpdateOutcome.Rejected(describe(response));
    } catch (IOException e) {
      return new UpdateOutcome.Unreachable(
          "BIND at " + target.host() + ":" + target.port() + " did not answer: " + e.getMessage());
    }
  }

  /** The zone's managed record sets as BIND holds them now (SOA, NS and other types left out). */
  public List<ObservedRRset> transfer(ZoneTarget target) throws IOException {
    ZoneTransferIn xfr =
        ZoneTransferIn.newAXFR(
            absolute(target.zone()), target.host(), target.port(), keys.key(target.tsigKey()));
    xfr.setTimeout(properties.timeout().multipliedBy(5));
    try {
      xfr.run();
    } catch (ZoneTransferException e) {
      throw new IOException("zone transfer of " + target.zone() + " refused: " + e.getMessage(), e);
    }
    Map<String, List<Record>> byNameAndType = new TreeMap<>();
    for (Record r : xfr.getAXFR()) {
      Optional<RecordType> type = managedType(r.getType());
      if (type.isPresent()) {
        byNameAndType
            .computeIfAbsent(nameOf(r.getName()) + " " + type.get(), k -> new ArrayList<>())
            .add(r);
      }
    }
    List<ObservedRRset> observed = new ArrayList<>();
    byNameAndType.values().forEach(records -> observed.add(observe(records)));
    return observed;
  }

  private void addTo(Update update, RRsetChange change) throws TextParseException {
    Name name = absolute(change.name());
    int type = Type.value(change.type().name());
    if (change.expected() == null) {
      update.absent(name, type);
    } else {
      for (String value : change.expected()) {
        update.present(record(name, change.type(), 0, value));
      }
    }
    update.delete(name, type);
    for (String value : change.desired()) {
      update.add(record(name, change.type(), change.ttl(), value));
    }
  }

  private SimpleResolver resolver(ZoneTarget target) throws IOException {
    SimpleResolver resolver = new SimpleResolver(InetAddress.getByName(target.host()));
    resolver.setPort(target.port());
    resolver.setTCP(true);
    resolver.setTimeout(properties.timeout());
    resolver.setTSIGKey(keys.key(target.tsigKey()));
    return resolver;
  }

  private static Record record(Name name, RecordType type, long ttl, String value)
      throws TextParseException {
    try {
      return switch (type) {
        case A -> new ARecord(name, DClass.IN, ttl, InetAddress.getByName(value));
        case AAAA -> new AAAARecord(name, DClass.IN, ttl, InetAddress.getByName(value));
        case CNAME -> new CNAMERecord(name, DClass.IN, ttl, absolute(value));
        case TXT -> new TXTRecord(name, DClass.IN, ttl, chunks(value));
        case SRV -> {
          String[] p = value.split(" ");
          yield new SRVRecord(
              name,
              DClass.IN,
              ttl,
              Integer.parseInt(p[0]),
              Integer.parseInt(p[1]),
              Integer.parseInt(p[2]),
              absolute(p[3]));
        }
      };
    } catch (java.net.UnknownHostException e) {
      // values are validated literals; reaching this means validation and the client disagree
      throw new IllegalStateException("not an address literal: " + value, e);
    }
  }

  private static ObservedRRset observe(List<Record> records) {
    Record first = records.get(0);
    RecordType type = managedType(first.getType()).orElseThrow();
    TreeSet<String> values = new TreeSet<>();
    for (Record r : records) {
      values.add(valueOf(r));
    }
    return new ObservedRRset(
        nameOf(first.getName()), type, (int) first.getTTL(), List.copyOf(values));
  }

  private static String valueOf(Record r) {
    if (r instanceof ARecord a) {
      return a.getAddress().getHostAddress();
    } else if (r instanceof AAAARecord aaaa) {
      return aaaa.getAddress().getHostAddress();
    } else if (r instanceof CNAMERecord cname) {
      return nameOf(cname.getTarget());
    } else if (r instanceof TXTRecord txt) {
      return String.join("", txt.getStrings());
    } else if (r instanceof SRVRecord srv) {
      return srv.getPriority()
          + " "
          + srv.getWeight()
          + " "
          + srv.getPort()
          + " "
          + nameOf(srv.getTarget());
    }
    throw new IllegalArgumentException("unmanaged record type " + Type.string(r.getType()));
  }

  private static Optional<RecordType> managedType(int type) {
    return MANAGED.stream().filter(t -> Type.value(t.name()) == type).findFirst();
  }

  private static List<String> chunks(String value) {
    List<String> chunks = new ArrayList<>();
    for (int i = 0; i < value.length(); i += TXT_CHUNK) {
      chunks.add(value.substring(i, Math.min(value.length(), i + TXT_CHUNK)));
    }
    return chunks;
  }

  private static String describe(Message response) {
    String rcode = Rcode.string(response.getRcode());
    if (response.getTSIG() != null && response.getTSIG().getError() != Rcode.NOERROR) {
      return "BIND refused the update: "
          + rcode
          + ", TSIG "
          + Rcode.TSIGstring(response.getTSIG().getError());
    }
    if (response.getRcode() == Rcode.NOTAUTH) {
      return "BIND refused the update: NOTAUTH (wrong TSIG key, or not authoritative for the zone)";
    }
    return "BIND refused the update: " + rcode;
  }

  private static Name absolute(String name) throws TextParseException {
    return Name.fromString(name + ".");
  }

  private static String nameOf(Name name) {
    return name.toString(true).toLowerCase(java.util.Locale.ROOT);
  }
}
