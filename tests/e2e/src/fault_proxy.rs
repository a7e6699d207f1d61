//! A loopback TCP proxy for fault-injection tests: it listens on `127.0.0.1:0`,
//! forwards every connection to a target address, and switches at run time between
//! [`Mode`]s that make the database behind it refuse, stall or drop connections.
//! Plain std threads; everything stops when the [`FaultProxy`] is dropped.
//!
//! Besides the modes, a one-shot trap ([`FaultProxy::cut_at`]) cuts exactly one
//! connection at a chosen point of one PostgreSQL statement: the connection whose
//! client sends a given byte pattern (part of the statement's SQL text, which the
//! protocol's `Parse` or `Query` message carries) is dropped either before the server
//! sees that message ([`CutPoint::Request`]) or after the server has answered it
//! ([`CutPoint::Reply`]), so a test can lose a statement, or lose only the reply of a
//! statement that ran and committed.

use std::collections::HashMap;
use std::io::{ErrorKind, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread::JoinHandle;
use std::time::Duration;

/// What the proxy does with connections.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Forward everything.
    Pass,
    /// Close new connections at once; switching to it drops the open ones.
    Refuse,
    /// Accept connections but forward nothing, in either direction, until the mode
    /// changes (what was read meanwhile is then forwarded).
    Stall,
    /// Drop every open connection when switched to, then forward new ones as
    /// [`Mode::Pass`] does.
    Cut,
}

/// Where [`FaultProxy::cut_at`] cuts the connection that sends its pattern.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CutPoint {
    /// Before the server receives the bytes that carry the pattern: the statement
    /// never runs.
    Request,
    /// After the statement ran: the server's replies pass for `passing` rounds (each
    /// round ends with a `ReadyForQuery` message), then the next round's reply is
    /// withheld until its `ReadyForQuery` has arrived — the server has finished the
    /// round and committed its implicit transaction by then — and both sockets are
    /// dropped instead of forwarding it. The client never learns the outcome.
    Reply {
        /// Rounds that pass, counted from the one that carried the pattern.
        passing: usize,
    },
}

impl CutPoint {
    /// The reply of a statement run with tokio-postgres's `query`/`execute` (Spin's
    /// PostgreSQL host): the prepare round (`Parse`/`Describe`/`Sync`, which carries
    /// the SQL text) passes, the execute round (`Bind`/`Execute`/`Sync`, without it)
    /// runs and commits at the server, and its reply is lost.
    pub const EXECUTE_REPLY: Self = Self::Reply { passing: 1 };
}

/// The one-shot trap of [`FaultProxy::cut_at`].
struct Trap {
    pattern: Vec<u8>,
    point: CutPoint,
    state: TrapState,
}

enum TrapState {
    /// No connection has sent the pattern yet.
    Waiting,
    /// Connection `id` sent it; its server replies are being counted.
    Armed {
        id: u64,
        messages: BackendMessages,
        passed: usize,
    },
    /// The connection was cut.
    Sprung,
}

/// What a pump does with the bytes it read.
#[derive(Debug, PartialEq, Eq)]
struct Verdict {
    /// How many of them to forward.
    forward: usize,
    /// Whether to drop the connection afterwards.
    cut: bool,
}

impl Verdict {
    const fn forward(forward: usize) -> Self {
        Self {
            forward,
            cut: false,
        }
    }
}

/// Which way a pump copies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Direction {
    ToServer,
    ToClient,
}

/// Splits a PostgreSQL backend stream into its messages (a type byte, then a
/// big-endian int32 length that counts itself but not the type byte) and reports
/// where each `ReadyForQuery` (`Z`) ends. Starts at a message boundary.
#[derive(Debug, Default)]
struct BackendMessages {
    header: [u8; 5],
    header_len: usize,
    body_left: usize,
}

impl BackendMessages {
    /// Feeds the next bytes of the stream; the offsets in `bytes` just past each
    /// `ReadyForQuery` message completed in them.
    fn ready_for_query_ends(&mut self, bytes: &[u8]) -> Vec<usize> {
        let mut ends = Vec::new();
        let mut at = 0;
        while at < bytes.len() {
            if self.body_left > 0 {
                let take = self.body_left.min(bytes.len() - at);
                at += take;
                self.body_left -= take;
            } else {
                self.header[self.header_len] = bytes[at];
                self.header_len += 1;
                at += 1;
                if self.header_len < self.header.len() {
                    continue;
                }
                self.header_len = 0;
                let [_, a, b, c, d] = self.header;
                let length = u32::from_be_bytes([a, b, c, d]);
                self.body_left = usize::try_from(length)
                    .unwrap_or(usize::MAX)
                    .saturating_sub(4);
            }
            if self.body_left == 0 && self.header_len == 0 && self.header[0] == b'Z' {
                ends.push(at);
            }
        }
        ends
    }
}

impl Trap {
    /// The verdict on bytes the client of connection `id` sent; `tail` holds the end
    /// of what it sent before, so a pattern split between two reads is found.
    fn on_client_bytes(&mut self, id: u64, tail: &mut Vec<u8>, bytes: &[u8]) -> Verdict {
        if !matches!(self.state, TrapState::Waiting) || self.pattern.is_empty() {
            return Verdict::forward(bytes.len());
        }
        tail.extend_from_slice(bytes);
        let found = tail
            .windows(self.pattern.len())
            .any(|window| window == self.pattern.as_slice());
        let keep = self.pattern.len() - 1;
        if tail.len() > keep {
            tail.drain(..tail.len() - keep);
        }
        if !found {
            return Verdict::forward(bytes.len());
        }
        match self.point {
            CutPoint::Request => {
                self.state = TrapState::Sprung;
                Verdict {
                    forward: 0,
                    cut: true,
                }
            }
            CutPoint::Reply { .. } => {
                // The server answers only what it receives after this: its stream is
                // at a message boundary (the client waits for each round's reply).
                self.state = TrapState::Armed {
                    id,
                    messages: BackendMessages::default(),
                    passed: 0,
                };
                Verdict::forward(bytes.len())
            }
        }
    }

    /// The verdict on bytes the server of connection `id` sent.
    fn on_server_bytes(&mut self, id: u64, bytes: &[u8]) -> Verdict {
        let CutPoint::Reply { passing } = self.point else {
            return Verdict::forward(bytes.len());
        };
        let TrapState::Armed {
            id: armed,
            messages,
            passed,
        } = &mut self.state
        else {
            return Verdict::forward(bytes.len());
        };
        if *armed != id {
            return Verdict::forward(bytes.len());
        }
        let mut forward = if *passed < passing { bytes.len() } else { 0 };
        for end in messages.ready_for_query_ends(bytes) {
            if *passed < passing {
                *passed += 1;
                if *passed == passing {
                    forward = end;
                }
            } else {
                self.state = TrapState::Sprung;
                return Verdict { forward, cut: true };
            }
        }
        Verdict::forward(forward)
    }
}

struct Shared {
    mode: Mutex<Mode>,
    stop: AtomicBool,
    next_id: AtomicU64,
    /// Both sockets of every open connection, by id.
    open: Mutex<HashMap<u64, [TcpStream; 2]>>,
    /// The trap of [`FaultProxy::cut_at`], if one was set.
    trap: Mutex<Option<Trap>>,
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl Shared {
    fn mode(&self) -> Mode {
        *lock(&self.mode)
    }

    fn drop_all(&self) {
        for (_, pair) in lock(&self.open).drain() {
            for socket in pair {
                let _ = socket.shutdown(Shutdown::Both);
            }
        }
    }

    fn close(&self, id: u64) {
        if let Some(pair) = lock(&self.open).remove(&id) {
            for socket in pair {
                let _ = socket.shutdown(Shutdown::Both);
            }
        }
    }

    fn is_open(&self, id: u64) -> bool {
        lock(&self.open).contains_key(&id)
    }
}

/// A running proxy; stops (and drops every connection) on `Drop`.
pub struct FaultProxy {
    addr: SocketAddr,
    shared: Arc<Shared>,
    acceptor: Option<JoinHandle<()>>,
}

impl FaultProxy {
    /// Starts a proxy to `target` in [`Mode::Pass`].
    ///
    /// # Errors
    /// When it cannot listen on loopback.
    pub fn start(target: SocketAddr) -> std::io::Result<Self> {
        let listener = TcpListener::bind("127.0.0.1:0")?;
        listener.set_nonblocking(true)?;
        let addr = listener.local_addr()?;
        let shared = Arc::new(Shared {
            mode: Mutex::new(Mode::Pass),
            stop: AtomicBool::new(false),
            next_id: AtomicU64::new(0),
            open: Mutex::new(HashMap::new()),
            trap: Mutex::new(None),
        });
        let accepting = Arc::clone(&shared);
        let acceptor = std::thread::spawn(move || accept_loop(&listener, target, &accepting));
        Ok(Self {
            addr,
            shared,
            acceptor: Some(acceptor),
        })
    }

    /// Where the proxy listens.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The port it listens on.
    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    /// The current mode.
    pub fn mode(&self) -> Mode {
        self.shared.mode()
    }

    /// Switches to `mode`; [`Mode::Refuse`] and [`Mode::Cut`] drop every open
    /// connection now.
    pub fn set_mode(&self, mode: Mode) {
        *lock(&self.shared.mode) = mode;
        if matches!(mode, Mode::Refuse | Mode::Cut) {
            self.shared.drop_all();
        }
    }

    /// How many proxied connections are open.
    pub fn open_connections(&self) -> usize {
        lock(&self.shared.open).len()
    }

    /// Sets a one-shot trap (replacing any earlier one): the first connection whose
    /// client sends `pattern` is cut at `point` of that statement (see [`CutPoint`]);
    /// every other connection, and that one until then, is forwarded as the mode
    /// says. [`FaultProxy::trap_sprung`] tells whether it has cut.
    pub fn cut_at(&self, pattern: &[u8], point: CutPoint) {
        *lock(&self.shared.trap) = Some(Trap {
            pattern: pattern.to_vec(),
            point,
            state: TrapState::Waiting,
        });
    }

    /// Whether the trap of [`FaultProxy::cut_at`] has cut its connection.
    pub fn trap_sprung(&self) -> bool {
        lock(&self.shared.trap)
            .as_ref()
            .is_some_and(|trap| matches!(trap.state, TrapState::Sprung))
    }
}

impl Drop for FaultProxy {
    fn drop(&mut self) {
        self.shared.stop.store(true, Ordering::SeqCst);
        self.shared.drop_all();
        if let Some(acceptor) = self.acceptor.take() {
            let _ = acceptor.join();
        }
    }
}

fn accept_loop(listener: &TcpListener, target: SocketAddr, shared: &Arc<Shared>) {
    while !shared.stop.load(Ordering::SeqCst) {
        match listener.accept() {
            Ok((client, _)) => {
                if shared.mode() == Mode::Refuse {
                    let _ = client.shutdown(Shutdown::Both);
                    continue;
                }
                let _ = serve(client, target, shared);
            }
            Err(e) if e.kind() == ErrorKind::WouldBlock => {
                std::thread::sleep(Duration::from_millis(5));
            }
            Err(_) => std::thread::sleep(Duration::from_millis(5)),
        }
    }
    shared.drop_all();
}

fn serve(client: TcpStream, target: SocketAddr, shared: &Arc<Shared>) -> std::io::Result<()> {
    client.set_nonblocking(false)?;
    let server = match TcpStream::connect_timeout(&target, Duration::from_secs(5)) {
        Ok(server) => server,
        Err(e) => {
            let _ = client.shutdown(Shutdown::Both);
            return Err(e);
        }
    };
    let _ = client.set_nodelay(true);
    let _ = server.set_nodelay(true);
    let id = shared.next_id.fetch_add(1, Ordering::SeqCst);
    lock(&shared.open).insert(id, [client.try_clone()?, server.try_clone()?]);
    if shared.stop.load(Ordering::SeqCst) {
        shared.close(id);
        return Ok(());
    }
    let (client_reader, server_reader) = (client.try_clone()?, server.try_clone()?);
    for (from, to, direction) in [
        (client_reader, server, Direction::ToServer),
        (server_reader, client, Direction::ToClient),
    ] {
        let shared = Arc::clone(shared);
        std::thread::spawn(move || pump(from, to, id, direction, &shared));
    }
    Ok(())
}

/// Copies `from` → `to` until either side closes or the connection is dropped,
/// holding what it read while the proxy stalls, and cutting where a trap says.
fn pump(mut from: TcpStream, mut to: TcpStream, id: u64, direction: Direction, shared: &Shared) {
    let mut buf = vec![0; 16 * 1024];
    let mut tail = Vec::new();
    loop {
        let n = match from.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => n,
        };
        while shared.mode() == Mode::Stall
            && !shared.stop.load(Ordering::SeqCst)
            && shared.is_open(id)
        {
            std::thread::sleep(Duration::from_millis(10));
        }
        if !shared.is_open(id) || shared.stop.load(Ordering::SeqCst) {
            break;
        }
        let verdict = match lock(&shared.trap).as_mut() {
            None => Verdict::forward(n),
            Some(trap) => match direction {
                Direction::ToServer => trap.on_client_bytes(id, &mut tail, &buf[..n]),
                Direction::ToClient => trap.on_server_bytes(id, &buf[..n]),
            },
        };
        if to.write_all(&buf[..verdict.forward]).is_err() || verdict.cut {
            break;
        }
    }
    shared.close(id);
}

#[cfg(test)]
mod tests {
    use super::{BackendMessages, CutPoint, FaultProxy, Mode, Trap, TrapState, Verdict};
    use std::io::{BufRead, BufReader, Read, Write};
    use std::net::{TcpListener, TcpStream};
    use std::sync::{Arc, Mutex};
    use std::time::Duration;

    fn echo_server() -> std::net::SocketAddr {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap_or_else(|e| unreachable!("{e}"));
        let addr = listener
            .local_addr()
            .unwrap_or_else(|e| unreachable!("{e}"));
        std::thread::spawn(move || {
            for mut stream in listener.incoming().map_while(Result::ok) {
                std::thread::spawn(move || {
                    let mut buf = [0; 1024];
                    while let Ok(n) = stream.read(&mut buf) {
                        if n == 0 || stream.write_all(&buf[..n]).is_err() {
                            break;
                        }
                    }
                });
            }
        });
        addr
    }

    fn round_trip(stream: &mut TcpStream) -> std::io::Result<Vec<u8>> {
        stream.write_all(b"ping")?;
        let mut buf = [0; 4];
        stream.read_exact(&mut buf)?;
        Ok(buf.to_vec())
    }

    #[test]
    fn modes() -> std::io::Result<()> {
        let proxy = FaultProxy::start(echo_server())?;
        let mut first = TcpStream::connect(proxy.addr())?;
        first.set_read_timeout(Some(Duration::from_secs(5)))?;
        assert_eq!(round_trip(&mut first)?, b"ping");

        proxy.set_mode(Mode::Stall);
        first.set_read_timeout(Some(Duration::from_millis(200)))?;
        assert!(round_trip(&mut first).is_err(), "stalled");
        proxy.set_mode(Mode::Pass);
        first.set_read_timeout(Some(Duration::from_secs(5)))?;
        let mut buf = [0; 4];
        first.read_exact(&mut buf)?;
        assert_eq!(&buf, b"ping", "released after the stall");

        proxy.set_mode(Mode::Cut);
        assert!(round_trip(&mut first).is_err(), "cut");
        let mut second = TcpStream::connect(proxy.addr())?;
        second.set_read_timeout(Some(Duration::from_secs(5)))?;
        assert_eq!(round_trip(&mut second)?, b"ping", "accepts after a cut");

        proxy.set_mode(Mode::Refuse);
        assert!(round_trip(&mut second).is_err(), "refuse drops open ones");
        let mut third = TcpStream::connect(proxy.addr())?;
        third.set_read_timeout(Some(Duration::from_secs(5)))?;
        assert!(round_trip(&mut third).is_err(), "refuse closes new ones");
        assert_eq!(proxy.open_connections(), 0);
        Ok(())
    }

    /// A backend message: type byte, int32 length, body.
    fn message(kind: u8, body: &[u8]) -> Vec<u8> {
        let length = u32::try_from(body.len() + 4).unwrap_or(u32::MAX);
        let mut out = vec![kind];
        out.extend_from_slice(&length.to_be_bytes());
        out.extend_from_slice(body);
        out
    }

    /// The server's answer to a prepare round: ParseComplete, ParameterDescription,
    /// NoData, ReadyForQuery.
    fn prepare_reply() -> Vec<u8> {
        [
            message(b'1', b""),
            message(b't', &[0, 0]),
            message(b'n', b""),
            message(b'Z', b"I"),
        ]
        .concat()
    }

    /// The server's answer to an execute round: BindComplete, CommandComplete,
    /// ReadyForQuery.
    fn execute_reply() -> Vec<u8> {
        [
            message(b'2', b""),
            message(b'C', b"INSERT 0 1\0"),
            message(b'Z', b"I"),
        ]
        .concat()
    }

    #[test]
    fn backend_messages_end_where_ready_for_query_ends() {
        let stream = [prepare_reply(), execute_reply()].concat();
        let first = prepare_reply().len();
        let second = stream.len();
        assert_eq!(
            BackendMessages::default().ready_for_query_ends(&stream),
            vec![first, second]
        );
        // Byte by byte: a `Z` inside a body or a length is not a message.
        let mut messages = BackendMessages::default();
        let ends: Vec<usize> = stream
            .iter()
            .enumerate()
            .filter(|(_, byte)| !messages.ready_for_query_ends(&[**byte]).is_empty())
            .map(|(at, _)| at + 1)
            .collect();
        assert_eq!(ends, vec![first, second]);
        let tricky = [message(b'D', b"ZZZZZZZZ"), message(b'Z', b"T")].concat();
        assert_eq!(
            BackendMessages::default().ready_for_query_ends(&tricky),
            vec![tricky.len()]
        );
    }

    fn new_trap(point: CutPoint) -> Trap {
        Trap {
            pattern: b"SECRET-SQL".to_vec(),
            point,
            state: TrapState::Waiting,
        }
    }

    const CUT: Verdict = Verdict {
        forward: 0,
        cut: true,
    };

    #[test]
    fn a_request_trap_drops_the_bytes_with_the_pattern_even_split_across_reads() {
        let mut trap = new_trap(CutPoint::Request);
        let mut tail = Vec::new();
        assert_eq!(
            trap.on_client_bytes(7, &mut tail, b"P..SECRET"),
            Verdict::forward(9)
        );
        assert_eq!(trap.on_server_bytes(7, b"anything"), Verdict::forward(8));
        assert_eq!(trap.on_client_bytes(7, &mut tail, b"-SQL..."), CUT);
        assert!(matches!(trap.state, TrapState::Sprung));
        // One shot: later connections pass.
        assert_eq!(
            trap.on_client_bytes(8, &mut Vec::new(), b"SECRET-SQL"),
            Verdict::forward(10)
        );
    }

    #[test]
    fn a_reply_trap_passes_the_prepare_round_and_withholds_the_execute_round() {
        let mut trap = new_trap(CutPoint::EXECUTE_REPLY);
        assert_eq!(
            trap.on_client_bytes(3, &mut Vec::new(), b"Parse SECRET-SQL Sync"),
            Verdict::forward(21)
        );
        // Other connections are not affected.
        assert_eq!(
            trap.on_server_bytes(4, &execute_reply()),
            Verdict::forward(execute_reply().len())
        );
        let prepare = prepare_reply();
        let (head, rest) = prepare.split_at(7);
        assert_eq!(trap.on_server_bytes(3, head), Verdict::forward(head.len()));
        assert_eq!(trap.on_server_bytes(3, rest), Verdict::forward(rest.len()));
        assert_eq!(
            trap.on_client_bytes(3, &mut Vec::new(), b"Bind Execute Sync"),
            Verdict::forward(17)
        );
        let execute = execute_reply();
        let (head, rest) = execute.split_at(execute.len() - 2);
        assert_eq!(
            trap.on_server_bytes(3, head),
            Verdict::forward(0),
            "withheld"
        );
        assert_eq!(
            trap.on_server_bytes(3, rest),
            CUT,
            "cut once the round is complete"
        );
        assert!(matches!(trap.state, TrapState::Sprung));
    }

    #[test]
    fn a_reply_trap_cuts_inside_a_read_that_holds_both_rounds() {
        let mut trap = new_trap(CutPoint::EXECUTE_REPLY);
        trap.on_client_bytes(1, &mut Vec::new(), b"SECRET-SQL");
        let both = [prepare_reply(), execute_reply()].concat();
        assert_eq!(
            trap.on_server_bytes(1, &both),
            Verdict {
                forward: prepare_reply().len(),
                cut: true
            }
        );
        let mut simple = new_trap(CutPoint::Reply { passing: 0 });
        simple.on_client_bytes(1, &mut Vec::new(), b"SECRET-SQL");
        assert_eq!(simple.on_server_bytes(1, &execute_reply()), CUT);
    }

    /// A line server standing in for PostgreSQL: it records every line it receives and
    /// answers a line starting with `PREPARE` with [`prepare_reply`] and one starting
    /// with `EXECUTE` with [`execute_reply`].
    fn line_server() -> (std::net::SocketAddr, Arc<Mutex<Vec<String>>>) {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap_or_else(|e| unreachable!("{e}"));
        let addr = listener
            .local_addr()
            .unwrap_or_else(|e| unreachable!("{e}"));
        let received = Arc::new(Mutex::new(Vec::new()));
        let log = Arc::clone(&received);
        std::thread::spawn(move || {
            for stream in listener.incoming().map_while(Result::ok) {
                let log = Arc::clone(&log);
                std::thread::spawn(move || {
                    let Ok(mut writer) = stream.try_clone() else {
                        return;
                    };
                    for line in BufReader::new(stream).lines().map_while(Result::ok) {
                        super::lock(&log).push(line.clone());
                        let reply = if line.starts_with("PREPARE") {
                            prepare_reply()
                        } else {
                            execute_reply()
                        };
                        if writer.write_all(&reply).is_err() {
                            break;
                        }
                    }
                });
            }
        });
        (addr, received)
    }

    /// Sends `line` and reads a reply of `expected`'s length.
    fn exchange(stream: &mut TcpStream, line: &str, expected: &[u8]) -> std::io::Result<Vec<u8>> {
        stream.write_all(format!("{line}\n").as_bytes())?;
        let mut reply = vec![0; expected.len()];
        stream.read_exact(&mut reply)?;
        Ok(reply)
    }

    #[test]
    fn the_reply_trap_lets_the_statement_run_and_loses_its_reply() -> std::io::Result<()> {
        let (server, received) = line_server();
        let proxy = FaultProxy::start(server)?;
        let mut client = TcpStream::connect(proxy.addr())?;
        client.set_read_timeout(Some(Duration::from_secs(5)))?;
        assert_eq!(
            exchange(&mut client, "PREPARE other", &prepare_reply())?,
            prepare_reply()
        );
        assert_eq!(
            exchange(&mut client, "EXECUTE other", &execute_reply())?,
            execute_reply()
        );

        proxy.cut_at(b"SECRET-SQL", CutPoint::EXECUTE_REPLY);
        assert_eq!(
            exchange(&mut client, "PREPARE SECRET-SQL", &prepare_reply())?,
            prepare_reply(),
            "the prepare round passes"
        );
        assert!(!proxy.trap_sprung());
        client.write_all(b"EXECUTE\n")?;
        let mut rest = Vec::new();
        // EOF (or a reset): nothing of the execute round's reply arrives.
        let _ = client.read_to_end(&mut rest);
        assert!(rest.is_empty(), "reply leaked: {rest:?}");
        assert!(proxy.trap_sprung());
        assert_eq!(
            super::lock(&received).last().map(String::as_str),
            Some("EXECUTE"),
            "the server ran the statement before the cut"
        );

        // One shot: a new connection sending the pattern is forwarded.
        let mut again = TcpStream::connect(proxy.addr())?;
        again.set_read_timeout(Some(Duration::from_secs(5)))?;
        assert_eq!(
            exchange(&mut again, "PREPARE SECRET-SQL", &prepare_reply())?,
            prepare_reply()
        );
        assert_eq!(
            exchange(&mut again, "EXECUTE", &execute_reply())?,
            execute_reply()
        );
        Ok(())
    }

    #[test]
    fn the_request_trap_never_delivers_the_statement() -> std::io::Result<()> {
        let (server, received) = line_server();
        let proxy = FaultProxy::start(server)?;
        let mut client = TcpStream::connect(proxy.addr())?;
        client.set_read_timeout(Some(Duration::from_secs(5)))?;
        assert_eq!(
            exchange(&mut client, "PREPARE other", &prepare_reply())?,
            prepare_reply()
        );
        proxy.cut_at(b"SECRET-SQL", CutPoint::Request);
        client.write_all(b"PREPARE SECRET-SQL\n")?;
        let mut rest = Vec::new();
        let _ = client.read_to_end(&mut rest);
        assert!(rest.is_empty(), "{rest:?}");
        assert!(proxy.trap_sprung());
        assert!(
            !super::lock(&received)
                .iter()
                .any(|line| line.contains("SECRET-SQL")),
            "the server saw the statement"
        );
        Ok(())
    }
}
