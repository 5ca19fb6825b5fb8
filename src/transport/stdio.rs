//! MCP over stdin/stdout: newline-delimited JSON-RPC, one message per line.
//!
//! Three parts, all on the caller's runtime:
//! * a **reader task** reads stdin line by line (at most [`MAX_LINE_BYTES`] per line),
//!   screens each line with [`super::screen`], hands well-formed messages to rmcp and queues
//!   JSON-RPC error replies for the rest;
//! * a **writer task** is the only code that touches stdout: it writes whole lines from a
//!   bounded queue, in order, and flushes;
//! * [`StdioTransport`] is the rmcp [`Transport`] between them.
//!
//! When stdin reaches end of file the reader stops, rmcp answers the requests still in flight,
//! closes the transport, the writer drains its queue and [`serve`] returns.

use std::time::Duration;

use rmcp::{
    RoleServer, Service, ServiceExt,
    model::{ClientJsonRpcMessage, ServerJsonRpcMessage},
    service::ServerInitializeError,
    transport::Transport,
};
use serde_json::Value;
use tokio::{
    io::{AsyncBufReadExt, AsyncRead, AsyncWrite, AsyncWriteExt, BufReader},
    sync::mpsc,
    task::JoinHandle,
};

use super::{Phase, Screened, oversized_reply, screen};

/// The longest line (one JSON-RPC message) accepted from the client: 4 MiB. A longer line is
/// discarded as it streams in, never buffered whole, and answered with a parse error.
pub const MAX_LINE_BYTES: usize = 4 * 1024 * 1024;

/// How many messages may wait for rmcp, and how many lines may wait for stdout.
const QUEUE_DEPTH: usize = 64;

/// How long to wait for queued output to reach stdout once the session has ended.
const DRAIN_TIMEOUT: Duration = Duration::from_secs(5);

/// Errors of the stdio transport.
#[derive(Debug, thiserror::Error)]
pub enum StdioError {
    #[error("stdout is closed")]
    Closed,
    #[error("cannot serialise an outgoing message: {0}")]
    Encode(#[from] serde_json::Error),
    #[error("MCP session failed to start: {0}")]
    Initialize(#[from] Box<ServerInitializeError>),
}

/// The rmcp side of the stdio plumbing: receives screened messages, sends serialised lines.
pub struct StdioTransport {
    inbound: mpsc::Receiver<ClientJsonRpcMessage>,
    outbound: Option<mpsc::Sender<Vec<u8>>>,
}

/// The reader and writer tasks behind a [`StdioTransport`].
pub struct StdioTasks {
    reader: JoinHandle<()>,
    writer: JoinHandle<std::io::Result<()>>,
}

/// Serialises one of our own replies as a line: compact JSON, UTF-8 (not ASCII-escaped),
/// `\n`-terminated. JSON text never holds a raw newline, so a line is always exactly one message.
fn encode_line(message: &Value) -> Result<Vec<u8>, serde_json::Error> {
    let mut line = serde_json::to_vec(message)?;
    line.push(b'\n');
    Ok(line)
}

impl StdioTransport {
    /// Starts the reader and writer tasks over `reader`/`writer` (stdin/stdout, or pipes in
    /// tests) and returns the transport for rmcp plus the tasks' handles.
    pub fn spawn<R, W>(reader: R, writer: W, max_line: usize) -> (Self, StdioTasks)
    where
        R: AsyncRead + Send + Unpin + 'static,
        W: AsyncWrite + Send + Unpin + 'static,
    {
        let (in_tx, in_rx) = mpsc::channel(QUEUE_DEPTH);
        let (out_tx, out_rx) = mpsc::channel(QUEUE_DEPTH);
        let reader = tokio::spawn(read_loop(reader, max_line, in_tx, out_tx.clone()));
        let writer = tokio::spawn(write_loop(writer, out_rx));
        (
            StdioTransport {
                inbound: in_rx,
                outbound: Some(out_tx),
            },
            StdioTasks { reader, writer },
        )
    }
}

impl Transport<RoleServer> for StdioTransport {
    type Error = StdioError;

    fn send(
        &mut self,
        item: ServerJsonRpcMessage,
    ) -> impl Future<Output = Result<(), Self::Error>> + Send + 'static {
        let outbound = self.outbound.clone();
        // Writes a result's `structuredContent` from its text when the server marked it so.
        let line = crate::mcp::encode::encode_line(item);
        async move {
            let line = line?;
            match outbound {
                Some(tx) => tx.send(line).await.map_err(|_| StdioError::Closed),
                None => Err(StdioError::Closed),
            }
        }
    }

    fn receive(&mut self) -> impl Future<Output = Option<ClientJsonRpcMessage>> + Send {
        // `recv` is cancellation-safe: rmcp polls this inside a `select!`.
        self.inbound.recv()
    }

    async fn close(&mut self) -> Result<(), Self::Error> {
        self.outbound = None;
        self.inbound.close();
        Ok(())
    }
}

impl StdioTasks {
    /// Waits until everything queued for stdout is written (bounded by a timeout), after the
    /// transport has been dropped. The reader is stopped if it is still running.
    pub async fn finish(self) {
        self.reader.abort();
        match tokio::time::timeout(DRAIN_TIMEOUT, self.writer).await {
            Ok(Ok(Ok(()))) => {}
            Ok(Ok(Err(e))) => tracing::debug!("stdout closed early: {e}"),
            Ok(Err(e)) => tracing::warn!("stdout writer task failed: {e}"),
            Err(_) => tracing::warn!("timed out flushing stdout"),
        }
    }
}

/// Outcome of reading one bounded line.
enum LineRead {
    /// A complete line is in the buffer (its `\n` stripped; the last line may lack one).
    Line,
    /// The line was longer than the limit; it has been consumed and dropped.
    Oversized,
    Eof,
}

/// Reads one `\n`-terminated line into `buf` without ever holding more than `max` bytes.
async fn read_line<R: AsyncRead + Unpin>(
    reader: &mut BufReader<R>,
    buf: &mut Vec<u8>,
    max: usize,
) -> std::io::Result<LineRead> {
    buf.clear();
    let mut oversized = false;
    loop {
        let (consumed, done) = {
            let available = reader.fill_buf().await?;
            if available.is_empty() {
                // End of input: a last line without `\n` still counts.
                return Ok(if oversized {
                    LineRead::Oversized
                } else if buf.is_empty() {
                    LineRead::Eof
                } else {
                    LineRead::Line
                });
            }
            let newline = available.iter().position(|b| *b == b'\n');
            let take = newline.map_or(available.len(), |i| i + 1);
            let content = newline.map_or(available, |i| &available[..i]);
            if !oversized {
                if buf.len() + content.len() > max {
                    oversized = true;
                    buf.clear();
                    buf.shrink_to(64 * 1024);
                } else {
                    buf.extend_from_slice(content);
                }
            }
            (take, newline.is_some())
        };
        reader.consume(consumed);
        if done {
            return Ok(if oversized {
                LineRead::Oversized
            } else {
                LineRead::Line
            });
        }
    }
}

async fn read_loop<R: AsyncRead + Unpin>(
    reader: R,
    max_line: usize,
    to_rmcp: mpsc::Sender<ClientJsonRpcMessage>,
    to_stdout: mpsc::Sender<Vec<u8>>,
) {
    let mut reader = BufReader::with_capacity(64 * 1024, reader);
    let mut buf = Vec::new();
    let mut phase = Phase::default();
    loop {
        let screened = match read_line(&mut reader, &mut buf, max_line).await {
            Ok(LineRead::Line) => screen(&buf, &mut phase),
            Ok(LineRead::Oversized) => {
                tracing::warn!(
                    max_line,
                    "discarded an incoming message longer than the limit"
                );
                Screened::Reply(oversized_reply(max_line))
            }
            Ok(LineRead::Eof) => {
                tracing::debug!("stdin closed");
                break;
            }
            Err(e) => {
                tracing::error!("cannot read stdin: {e}");
                break;
            }
        };
        match screened {
            Screened::Forward(message) => {
                if to_rmcp.send(*message).await.is_err() {
                    tracing::debug!("MCP service stopped; no longer reading stdin");
                    break;
                }
            }
            Screened::Reply(reply) => {
                log_reply(&reply);
                let Ok(line) = encode_line(&reply) else {
                    continue;
                };
                if to_stdout.send(line).await.is_err() {
                    break;
                }
            }
            Screened::Ignore(reason) => tracing::debug!("ignored an incoming line: {reason}"),
        }
    }
}

fn log_reply(reply: &Value) {
    tracing::debug!(
        code = %reply["error"]["code"],
        message = %reply["error"]["message"],
        "rejected an incoming line"
    );
}

async fn write_loop<W: AsyncWrite + Unpin>(
    mut writer: W,
    mut lines: mpsc::Receiver<Vec<u8>>,
) -> std::io::Result<()> {
    while let Some(line) = lines.recv().await {
        writer.write_all(&line).await?;
        // Write whatever else is already queued before paying for a flush.
        while let Ok(more) = lines.try_recv() {
            writer.write_all(&more).await?;
        }
        writer.flush().await?;
    }
    writer.flush().await
}

/// Serves `service` over `reader`/`writer` until the input ends. An input that ends before
/// `initialize` is a normal, clean end.
pub async fn serve_io<S, R, W>(
    service: S,
    reader: R,
    writer: W,
    max_line: usize,
) -> Result<(), StdioError>
where
    S: Service<RoleServer>,
    R: AsyncRead + Send + Unpin + 'static,
    W: AsyncWrite + Send + Unpin + 'static,
{
    let (transport, tasks) = StdioTransport::spawn(reader, writer, max_line);
    let result = match service.serve(transport).await {
        Ok(running) => {
            match running.waiting().await {
                Ok(reason) => tracing::debug!(?reason, "MCP session ended"),
                Err(e) => tracing::warn!("MCP session task failed: {e}"),
            }
            Ok(())
        }
        Err(ServerInitializeError::ConnectionClosed(_)) => {
            tracing::debug!("stdin closed before initialize");
            Ok(())
        }
        Err(e) => Err(StdioError::Initialize(Box::new(e))),
    };
    tasks.finish().await;
    result
}

/// Serves `service` over the process's stdin and stdout.
pub async fn serve<S: Service<RoleServer>>(service: S) -> Result<(), StdioError> {
    // Non-blocking pipes on Linux when both are FIFOs (how MCP clients start servers), the
    // blocking std handles otherwise.
    let (reader, writer) = rmcp::transport::stdio_pipes();
    serve_io(service, reader, writer, MAX_LINE_BYTES).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::AsyncReadExt;

    async fn lines_of(input: &[u8], max: usize) -> Vec<(bool, Vec<u8>)> {
        let mut r = BufReader::with_capacity(8, input);
        let mut buf = Vec::new();
        let mut out = Vec::new();
        loop {
            match read_line(&mut r, &mut buf, max).await.unwrap() {
                LineRead::Line => out.push((true, buf.clone())),
                LineRead::Oversized => out.push((false, Vec::new())),
                LineRead::Eof => return out,
            }
        }
    }

    #[tokio::test]
    async fn bounded_lines() {
        let got = lines_of(b"ab\n0123456789abcdef\ncd\nlast", 10).await;
        assert_eq!(
            got,
            vec![
                (true, b"ab".to_vec()),
                (false, vec![]),
                (true, b"cd".to_vec()),
                (true, b"last".to_vec())
            ]
        );
        assert_eq!(lines_of(b"", 10).await, vec![]);
        assert_eq!(lines_of(b"0123456789abc", 10).await, vec![(false, vec![])]);
    }

    #[tokio::test]
    async fn writer_keeps_lines_whole_and_in_order() {
        let (client, server) = tokio::io::duplex(1 << 16);
        let (tx, rx) = mpsc::channel(4);
        let task = tokio::spawn(write_loop(server, rx));
        for i in 0..10 {
            tx.send(format!("{{\"n\":{i}}}\n").into_bytes())
                .await
                .unwrap();
        }
        drop(tx);
        task.await.unwrap().unwrap();
        let mut s = String::new();
        let mut client = client;
        client.read_to_string(&mut s).await.unwrap();
        let lines: Vec<&str> = s.lines().collect();
        assert_eq!(lines.len(), 10);
        assert_eq!(lines[3], "{\"n\":3}");
    }
}
