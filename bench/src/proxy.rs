//! The soak's database cut: the end-to-end tests' [`FaultProxy`] in front of
//! PostgreSQL, run as its own process (`spinstack-bench fault-proxy`) so that
//! `bench/run` can start the runtime with the proxy's port as `database_url` before the
//! load driver runs, and switched by the driver over a loopback control port: one line
//! per command (`pass`, `refuse`, `stall`, `cut`, `status`), one line answered
//! (`ok <mode> open=<connections>`).

use std::io::{BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};

use anyhow::{Context, bail};
use spinstack_e2e::fault_proxy::{FaultProxy, Mode};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt};

/// The mode a control command names.
pub fn mode_of(command: &str) -> Option<Mode> {
    match command {
        "pass" => Some(Mode::Pass),
        "refuse" => Some(Mode::Refuse),
        "stall" => Some(Mode::Stall),
        "cut" => Some(Mode::Cut),
        _ => None,
    }
}

fn answer(proxy: &FaultProxy, line: &str) -> String {
    let command = line.trim();
    if let Some(mode) = mode_of(command) {
        proxy.set_mode(mode);
    } else if command != "status" {
        return format!("error unknown command {command:?}\n");
    }
    format!("ok {:?} open={}\n", proxy.mode(), proxy.open_connections())
}

fn control(proxy: &FaultProxy, stream: TcpStream) -> std::io::Result<()> {
    let mut writer = stream.try_clone()?;
    for line in BufReader::new(stream).lines() {
        writer.write_all(answer(proxy, &line?).as_bytes())?;
    }
    Ok(())
}

/// Runs a proxy to `target` until the process is killed: prints `proxy=<addr>` and
/// `control=<addr>` on stdout, then serves control connections one at a time.
///
/// # Errors
/// When it cannot listen on loopback.
pub fn serve(target: SocketAddr) -> anyhow::Result<()> {
    let proxy = FaultProxy::start(target).context("starting the fault proxy")?;
    let listener = TcpListener::bind("127.0.0.1:0").context("binding the control port")?;
    let mut stdout = std::io::stdout();
    writeln!(stdout, "proxy={}", proxy.addr())?;
    writeln!(stdout, "control={}", listener.local_addr()?)?;
    stdout.flush()?;
    for stream in listener.incoming() {
        match stream {
            Ok(stream) => {
                if let Err(e) = control(&proxy, stream) {
                    eprintln!("spinstack-bench fault-proxy: control connection: {e}");
                }
            }
            Err(e) => eprintln!("spinstack-bench fault-proxy: accept: {e}"),
        }
    }
    Ok(())
}

/// Sends one command to the proxy's control port and returns its answer.
///
/// # Errors
/// When the control port does not answer `ok`.
pub async fn command(control: SocketAddr, command: &str) -> anyhow::Result<String> {
    let stream = tokio::net::TcpStream::connect(control)
        .await
        .with_context(|| format!("connecting to the fault proxy's control port {control}"))?;
    let mut stream = tokio::io::BufReader::new(stream);
    stream
        .get_mut()
        .write_all(format!("{command}\n").as_bytes())
        .await?;
    let mut line = String::new();
    stream.read_line(&mut line).await?;
    let line = line.trim().to_owned();
    if !line.starts_with("ok ") {
        bail!("the fault proxy answered {line:?} to {command:?}");
    }
    Ok(line)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commands_switch_modes() -> anyhow::Result<()> {
        let sink = TcpListener::bind("127.0.0.1:0")?;
        let proxy = FaultProxy::start(sink.local_addr()?)?;
        assert_eq!(answer(&proxy, "refuse\n"), "ok Refuse open=0\n");
        assert_eq!(answer(&proxy, "status"), "ok Refuse open=0\n");
        assert_eq!(answer(&proxy, "pass"), "ok Pass open=0\n");
        assert!(answer(&proxy, "explode").starts_with("error"));
        Ok(())
    }
}
