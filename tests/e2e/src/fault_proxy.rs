//! A loopback TCP proxy for fault-injection tests: it listens on `127.0.0.1:0`,
//! forwards every connection to a target address, and switches at run time between
//! [`Mode`]s that make the database behind it refuse, stall or drop connections.
//! Plain std threads; everything stops when the [`FaultProxy`] is dropped.

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

struct Shared {
    mode: Mutex<Mode>,
    stop: AtomicBool,
    next_id: AtomicU64,
    /// Both sockets of every open connection, by id.
    open: Mutex<HashMap<u64, [TcpStream; 2]>>,
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
    for (from, to) in [(client_reader, server), (server_reader, client)] {
        let shared = Arc::clone(shared);
        std::thread::spawn(move || pump(from, to, id, &shared));
    }
    Ok(())
}

/// Copies `from` → `to` until either side closes or the connection is dropped,
/// holding what it read while the proxy stalls.
fn pump(mut from: TcpStream, mut to: TcpStream, id: u64, shared: &Shared) {
    let mut buf = vec![0; 16 * 1024];
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
        if to.write_all(&buf[..n]).is_err() {
            break;
        }
    }
    shared.close(id);
}

#[cfg(test)]
mod tests {
    use super::{FaultProxy, Mode};
    use std::io::{Read, Write};
    use std::net::{TcpListener, TcpStream};
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
}
