import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * A terminal for the platform's web shell, with nothing but a JDK (curl 7.x speaks no WebSocket):
 *
 * <pre>
 * java scripts/WebShell.java ws://127.0.0.1:8080/api/clusters/shell/room-1/platform/POD "$TOKEN"
 * </pre>
 *
 * Lines typed go to the container's shell; what it prints comes back. Ends with the shell.
 */
public class WebShell {
  public static void main(String[] args) throws Exception {
    if (args.length != 2) {
      System.err.println("usage: java scripts/WebShell.java <ws-url> <token>");
      System.exit(2);
    }
    CompletableFuture<String> closed = new CompletableFuture<>();
    WebSocket socket =
        HttpClient.newHttpClient()
            .newWebSocketBuilder()
            .header("Authorization", "Bearer " + args[1])
            .buildAsync(
                URI.create(args[0]),
                new WebSocket.Listener() {
                  @Override
                  public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
                    System.out.print(data);
                    System.out.flush();
                    ws.request(1);
                    return null;
                  }

                  @Override
                  public CompletionStage<?> onClose(WebSocket ws, int status, String reason) {
                    closed.complete(status + " " + reason);
                    return null;
                  }
                })
            .join();
    Thread input =
        new Thread(
            () -> {
              try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in))) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                  socket.sendText(line + "\n", true).join();
                }
              } catch (Exception e) {
                closed.complete("input: " + e);
              }
            });
    input.setDaemon(true);
    input.start();
    System.err.println("[closed: " + closed.join() + "]");
  }
}
