//! A TCP proxy a test can cut and restore, to take a dependency (PostgreSQL, Redis) away
//! from the app under test without stopping the server every other test shares.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;

use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;

pub struct Proxy {
    pub addr: SocketAddr,
    up: Arc<AtomicBool>,
    cuts: watch::Sender<u64>,
    accepted: Arc<AtomicU64>,
}

impl Proxy {
    pub async fn start(target: SocketAddr) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let up = Arc::new(AtomicBool::new(true));
        let (cuts, _) = watch::channel(0u64);
        let accepted = Arc::new(AtomicU64::new(0));
        let (flag, watch, count) = (up.clone(), cuts.clone(), accepted.clone());
        tokio::spawn(async move {
            loop {
                let Ok((client, _)) = listener.accept().await else {
                    return;
                };
                if !flag.load(Ordering::SeqCst) {
                    drop(client); // down: the connection is closed at once
                    continue;
                }
                count.fetch_add(1, Ordering::SeqCst);
                let mut cut = watch.subscribe();
                tokio::spawn(async move {
                    let Ok(mut server) = TcpStream::connect(target).await else {
                        return;
                    };
                    let mut client = client;
                    tokio::select! {
                        _ = tokio::io::copy_bidirectional(&mut client, &mut server) => {}
                        _ = cut.changed() => {}
                    }
                });
            }
        });
        Self {
            addr,
            up,
            cuts,
            accepted,
        }
    }

    /// Connections let through so far.
    pub fn connections(&self) -> u64 {
        self.accepted.load(Ordering::SeqCst)
    }

    /// Closes every open connection and refuses new ones, as a server that went down.
    pub fn cut(&self) {
        self.up.store(false, Ordering::SeqCst);
        self.cuts.send_modify(|n| *n += 1);
    }

    /// Lets connections through again.
    pub fn restore(&self) {
        self.up.store(true, Ordering::SeqCst);
    }
}

/// The `host:port` part of a `scheme://user@host:port/...` URL, as written.
fn authority(url: &str) -> &str {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let rest = rest.split('/').next().unwrap();
    rest.rsplit_once('@').map_or(rest, |(_, r)| r)
}

/// Where a URL's server listens.
pub fn host_port(url: &str) -> SocketAddr {
    let host = authority(url).replace("localhost", "127.0.0.1");
    host.parse().unwrap_or_else(|_| panic!("{host} is host:port"))
}

/// The same URL pointing at `addr` instead.
pub fn via(url: &str, addr: SocketAddr) -> String {
    url.replacen(authority(url), &addr.to_string(), 1)
}
