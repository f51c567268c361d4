// Answers "hello" on port 8080 (or $PORT).
const http = require("http");

const port = Number(process.env.PORT || 8080);
http
  .createServer((request, response) => {
    response.writeHead(200, { "Content-Type": "text/plain" });
    response.end("hello\n");
  })
  .listen(port);
