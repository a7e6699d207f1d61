//! A small HTTP/1.1 client for the load driver: one keep-alive connection per virtual
//! user, exactly the headers given (plus `host` and `content-length`), `Content-Length`
//! or chunked replies. A failure drops the connection and the next request opens a new
//! one; nothing is retried, so every failure is seen and counted.
//!
//! It parallels the end-to-end harness's blocking client (`spinstack_e2e::http`), which
//! closes the connection after each request, on tokio with keep-alive: hundreds of
//! requests per second on 32 connections, each answer classified by the caller. A
//! hand-written client rather than hyper's: adding hyper's client features to the
//! workspace's hyper (the runtime's server) would rebuild the runtime's whole wasmtime
//! stack whenever cargo builds it together with this crate, as `bench/run` does.

use std::fmt;
use std::net::SocketAddr;
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

/// The largest reply body accepted (the app's replies are a few KiB).
const MAX_BODY: usize = 16 * 1024 * 1024;
/// The longest status or header line accepted.
const MAX_LINE: usize = 64 * 1024;

/// A reply as received: the end-to-end harness's type (status, headers in order with
/// their repeats, body), so both clients answer the same thing.
pub use spinstack_e2e::http::Reply;

/// Why a request got no reply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    /// Connecting failed.
    Connect(String),
    /// Writing the request or reading the reply failed, or the server closed the
    /// connection before a whole reply.
    Io(String),
    /// The reply is not HTTP/1.1 as this client reads it.
    Protocol(String),
    /// No whole reply within the timeout.
    Timeout,
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Connect(e) => write!(f, "connect: {e}"),
            Self::Io(e) => write!(f, "i/o: {e}"),
            Self::Protocol(e) => write!(f, "protocol: {e}"),
            Self::Timeout => f.write_str("timeout"),
        }
    }
}

fn io(e: &std::io::Error) -> Failure {
    Failure::Io(e.kind().to_string())
}

/// One keep-alive connection to a server, reopened after a failure or a
/// `connection: close`.
pub struct Connection {
    addr: SocketAddr,
    timeout: Duration,
    stream: Option<BufReader<TcpStream>>,
    /// How many TCP connections it opened.
    pub connects: u64,
}

impl Connection {
    /// A connection to `addr` (opened at the first request); `timeout` bounds each
    /// request from its first byte written to its last byte read.
    pub fn new(addr: SocketAddr, timeout: Duration) -> Self {
        Self {
            addr,
            timeout,
            stream: None,
            connects: 0,
        }
    }

    /// Sends one request and reads its reply.
    ///
    /// # Errors
    /// A [`Failure`] when there is no whole reply; the connection is then dropped.
    pub async fn send(
        &mut self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: &[u8],
    ) -> Result<Reply, Failure> {
        let stream = self.stream.take();
        let timeout = self.timeout;
        let exchange = self.exchange(stream, method, path, headers, body);
        match tokio::time::timeout(timeout, exchange).await {
            Ok(Ok((reply, stream))) => {
                self.stream = stream;
                Ok(reply)
            }
            Ok(Err(failure)) => Err(failure),
            Err(_) => Err(Failure::Timeout),
        }
    }

    async fn exchange(
        &mut self,
        stream: Option<BufReader<TcpStream>>,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: &[u8],
    ) -> Result<(Reply, Option<BufReader<TcpStream>>), Failure> {
        let mut stream = match stream {
            Some(stream) => stream,
            None => {
                let tcp = TcpStream::connect(self.addr)
                    .await
                    .map_err(|e| Failure::Connect(e.kind().to_string()))?;
                let _ = tcp.set_nodelay(true);
                self.connects += 1;
                BufReader::new(tcp)
            }
        };
        let mut request = format!("{method} {path} HTTP/1.1\r\nhost: {}\r\n", self.addr);
        for (name, value) in headers {
            request.push_str(name);
            request.push_str(": ");
            request.push_str(value);
            request.push_str("\r\n");
        }
        if !body.is_empty() || matches!(method, "POST" | "PUT" | "PATCH") {
            request.push_str(&format!("content-length: {}\r\n", body.len()));
        }
        request.push_str("\r\n");
        let mut bytes = request.into_bytes();
        bytes.extend_from_slice(body);
        stream
            .get_mut()
            .write_all(&bytes)
            .await
            .map_err(|e| io(&e))?;
        let reply = read_reply(&mut stream, method == "HEAD").await?;
        let close = reply
            .all("connection")
            .into_iter()
            .any(|value| value.eq_ignore_ascii_case("close"));
        Ok((reply, (!close).then_some(stream)))
    }
}

async fn read_line(stream: &mut BufReader<TcpStream>) -> Result<String, Failure> {
    let mut line = Vec::new();
    let n = (&mut *stream)
        .take(MAX_LINE as u64)
        .read_until(b'\n', &mut line)
        .await
        .map_err(|e| io(&e))?;
    if n == 0 {
        return Err(Failure::Io("connection closed".to_owned()));
    }
    if line.last() != Some(&b'\n') {
        return Err(Failure::Protocol("line too long or cut short".to_owned()));
    }
    Ok(String::from_utf8_lossy(&line).trim_end().to_owned())
}

async fn read_reply(stream: &mut BufReader<TcpStream>, head_only: bool) -> Result<Reply, Failure> {
    let status_line = read_line(stream).await?;
    let status: u16 = status_line
        .strip_prefix("HTTP/1.")
        .and_then(|rest| rest.split_whitespace().nth(1))
        .and_then(|code| code.parse().ok())
        .ok_or_else(|| Failure::Protocol(format!("bad status line {status_line:?}")))?;
    let mut headers = Vec::new();
    loop {
        let line = read_line(stream).await?;
        if line.is_empty() {
            break;
        }
        let (name, value) = line
            .split_once(':')
            .ok_or_else(|| Failure::Protocol(format!("bad header line {line:?}")))?;
        headers.push((name.trim().to_ascii_lowercase(), value.trim().to_owned()));
    }
    let header = |name: &str| {
        headers
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.clone())
    };
    let no_body = head_only || status == 204 || status == 304 || (100..200).contains(&status);
    let body = if no_body {
        Vec::new()
    } else if header("transfer-encoding").is_some_and(|v| v.eq_ignore_ascii_case("chunked")) {
        read_chunked(stream).await?
    } else if let Some(length) = header("content-length") {
        let length: usize = length
            .parse()
            .map_err(|_| Failure::Protocol(format!("bad content-length {length:?}")))?;
        if length > MAX_BODY {
            return Err(Failure::Protocol(format!("body of {length} bytes")));
        }
        let mut body = vec![0; length];
        stream.read_exact(&mut body).await.map_err(|e| io(&e))?;
        body
    } else {
        // Delimited by the end of the connection (then not kept alive).
        let mut body = Vec::new();
        (&mut *stream)
            .take(MAX_BODY as u64 + 1)
            .read_to_end(&mut body)
            .await
            .map_err(|e| io(&e))?;
        if body.len() > MAX_BODY {
            return Err(Failure::Protocol("body too large".to_owned()));
        }
        headers.push(("connection".to_owned(), "close".to_owned()));
        body
    };
    Ok(Reply {
        status,
        headers,
        body,
    })
}

async fn read_chunked(stream: &mut BufReader<TcpStream>) -> Result<Vec<u8>, Failure> {
    let mut body = Vec::new();
    loop {
        let line = read_line(stream).await?;
        let size_text = line.split(';').next().unwrap_or("").trim();
        let size = usize::from_str_radix(size_text, 16)
            .map_err(|_| Failure::Protocol(format!("bad chunk size {line:?}")))?;
        if body.len() + size > MAX_BODY {
            return Err(Failure::Protocol("body too large".to_owned()));
        }
        if size == 0 {
            // Trailers, up to the empty line.
            while !read_line(stream).await?.is_empty() {}
            return Ok(body);
        }
        let start = body.len();
        body.resize(start + size, 0);
        stream
            .read_exact(&mut body[start..])
            .await
            .map_err(|e| io(&e))?;
        let mut crlf = [0; 2];
        stream.read_exact(&mut crlf).await.map_err(|e| io(&e))?;
        if crlf != *b"\r\n" {
            return Err(Failure::Protocol("chunk not followed by CRLF".to_owned()));
        }
    }
}

/// The `name=value` pairs a reply's `Set-Cookie` lines set, `None` as the value for a
/// cookie they delete (an empty value or `Max-Age=0`).
pub fn set_cookies(reply: &Reply) -> Vec<(String, Option<String>)> {
    reply
        .all("set-cookie")
        .into_iter()
        .filter_map(|line| {
            let mut parts = line.split(';');
            let (name, value) = parts.next()?.trim().split_once('=')?;
            let deleted = value.is_empty()
                || parts.any(|attribute| attribute.trim().eq_ignore_ascii_case("max-age=0"));
            Some((name.to_owned(), (!deleted).then(|| value.to_owned())))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::AsyncWriteExt;
    use tokio::net::TcpListener;

    /// A server that answers each request on a connection with the next canned reply.
    async fn server(replies: Vec<&'static [u8]>) -> std::io::Result<SocketAddr> {
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        tokio::spawn(async move {
            if let Ok((stream, _)) = listener.accept().await {
                let mut stream = BufReader::new(stream);
                for reply in replies {
                    // Read one request head (these requests have no body).
                    loop {
                        let mut line = String::new();
                        match stream.read_line(&mut line).await {
                            Ok(0) | Err(_) => return,
                            Ok(_) if line == "\r\n" => break,
                            Ok(_) => {}
                        }
                    }
                    if stream.get_mut().write_all(reply).await.is_err() {
                        return;
                    }
                }
            }
        });
        Ok(addr)
    }

    #[tokio::test]
    async fn keep_alive_content_length_and_chunked() -> anyhow::Result<()> {
        let addr = server(vec![
            b"HTTP/1.1 200 OK\r\ncontent-length: 5\r\nset-cookie: a=1; Path=/\r\nset-cookie: b=; Max-Age=0\r\n\r\nhello",
            b"HTTP/1.1 500 Internal Server Error\r\ntransfer-encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n",
            b"HTTP/1.1 204 No Content\r\n\r\n",
        ])
        .await?;
        let mut connection = Connection::new(addr, Duration::from_secs(5));
        let first = connection.send("GET", "/", &[], b"").await;
        let first = first.map_err(|e| anyhow::anyhow!("{e}"))?;
        assert_eq!((first.status, first.text().as_str()), (200, "hello"));
        assert_eq!(
            set_cookies(&first),
            vec![
                ("a".to_owned(), Some("1".to_owned())),
                ("b".to_owned(), None)
            ]
        );
        let second = connection.send("GET", "/", &[], b"").await;
        let second = second.map_err(|e| anyhow::anyhow!("{e}"))?;
        assert_eq!((second.status, second.text().as_str()), (500, "abcde"));
        let third = connection.send("GET", "/", &[], b"").await;
        assert_eq!(third.map_err(|e| anyhow::anyhow!("{e}"))?.status, 204);
        assert_eq!(connection.connects, 1, "one connection for all three");
        // The server is gone now: the next request fails and is not retried.
        assert!(connection.send("GET", "/", &[], b"").await.is_err());
        Ok(())
    }

    #[tokio::test]
    async fn a_reply_cut_short_is_a_failure() -> anyhow::Result<()> {
        let addr = server(vec![b"HTTP/1.1 200 OK\r\ncontent-length: 10\r\n\r\nshort"]).await?;
        let mut connection = Connection::new(addr, Duration::from_secs(5));
        let reply = connection.send("GET", "/", &[], b"").await;
        assert!(matches!(reply, Err(Failure::Io(_))), "{reply:?}");
        Ok(())
    }
}
