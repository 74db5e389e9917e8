//! A fake Graph serving from a thread and runtime of its own.

use std::ops::Deref;
use std::thread::JoinHandle;

use tokio::sync::oneshot;

use crate::MockGraph;

/// A [`MockGraph`] serving from its own thread and Tokio runtime, so the caller's runtime does
/// only the client's work: for benchmarks and load generators, and for tests that pause their
/// own clock (the server's timers and I/O are elsewhere). Dropping it stops the server.
///
/// ```
/// use crosstenant_mock::ThreadedMockGraph;
///
/// let graph = ThreadedMockGraph::start()?;
/// assert!(graph.base_url().starts_with("http://127.0.0.1:"));
/// # Ok::<(), std::io::Error>(())
/// ```
#[derive(Debug)]
pub struct ThreadedMockGraph {
    mock: MockGraph,
    stop: Option<oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl ThreadedMockGraph {
    /// Starts a seeded fake Graph on a new thread with a one-worker runtime.
    pub fn start() -> std::io::Result<Self> {
        let (ready_tx, ready_rx) = std::sync::mpsc::channel();
        let (stop, stopped) = oneshot::channel::<()>();
        let thread = std::thread::Builder::new()
            .name("crosstenant-mock".into())
            .spawn(move || {
                let runtime = tokio::runtime::Builder::new_multi_thread()
                    .worker_threads(1)
                    .enable_all()
                    .build();
                let runtime = match runtime {
                    Ok(runtime) => runtime,
                    Err(e) => {
                        let _ = ready_tx.send(Err(e));
                        return;
                    }
                };
                runtime.block_on(async move {
                    let started = MockGraph::start().await;
                    let serving = started.is_ok();
                    let _ = ready_tx.send(started);
                    if serving {
                        let _ = stopped.await;
                    }
                });
            })?;
        let mock = ready_rx.recv().map_err(std::io::Error::other)??;
        Ok(Self {
            mock,
            stop: Some(stop),
            thread: Some(thread),
        })
    }
}

impl Deref for ThreadedMockGraph {
    type Target = MockGraph;

    fn deref(&self) -> &MockGraph {
        &self.mock
    }
}

impl Drop for ThreadedMockGraph {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}
