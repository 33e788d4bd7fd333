//! Running one future per item concurrently and collecting results in input order.

use std::future::Future;
use tokio::task::JoinSet;

/// Runs `work(item)` for every item at once and returns the outputs in the order of `items`.
/// A panic inside a task is re-raised here.
pub async fn concurrently<I, F, Fut, T>(items: Vec<I>, work: F) -> Vec<T>
where
    F: Fn(I) -> Fut,
    Fut: Future<Output = T> + Send + 'static,
    T: Send + 'static,
{
    let count = items.len();
    let mut set = JoinSet::new();
    for (index, item) in items.into_iter().enumerate() {
        let future = work(item);
        set.spawn(async move { (index, future.await) });
    }
    let mut outputs: Vec<Option<T>> = (0..count).map(|_| None).collect();
    while let Some(joined) = set.join_next().await {
        match joined {
            Ok((index, output)) => outputs[index] = Some(output),
            Err(error) => std::panic::resume_unwind(error.into_panic()),
        }
    }
    outputs.into_iter().flatten().collect()
}
