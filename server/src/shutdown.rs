//! Graceful shutdown plumbing.
//!
//! [`Shutdown`] is a broadcast flag: [`crate::run`] flips it when its shutdown future
//! resolves; the scheduler and the HTTP server watch it.

use tokio::sync::watch;

/// Sender side of the shutdown flag.
#[derive(Debug)]
pub struct Shutdown {
    /// `true` once shutdown began.
    tx: watch::Sender<bool>,
}

impl Shutdown {
    /// A flag that is not set.
    pub fn new() -> Self {
        Shutdown {
            tx: watch::channel(false).0,
        }
    }

    /// A receiver to watch.
    pub fn subscribe(&self) -> watch::Receiver<bool> {
        self.tx.subscribe()
    }

    /// Sets the flag.
    pub fn trigger(&self) {
        let _ = self.tx.send(true);
    }
}

impl Default for Shutdown {
    fn default() -> Self {
        Self::new()
    }
}

/// Resolves when the receiver sees the flag set (or the sender is gone).
pub async fn wait(mut rx: watch::Receiver<bool>) {
    while !*rx.borrow() {
        if rx.changed().await.is_err() {
            return;
        }
    }
}
