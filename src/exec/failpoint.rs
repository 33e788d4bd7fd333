//! Fault-injection points for the integration tests: `RCLUSTER_FAILPOINT=NAME:MS` makes the run
//! pause `MS` milliseconds at the point called `NAME`, so a test can change the cluster at an exact
//! step of a protocol (say, write a key on a giver after its keys moved and before its hand-off).
//! Unset, a point costs one environment lookup. Points: `before-handoff` (`exec::handoff`, before
//! each group's giver-is-empty count), `before-key-copy` (`exec::import`, after the owners were
//! read, before a source database's first key is sent), `after-claim` (`exec::handoff::claim`,
//! once `fix`'s claims are made, before any key moves), `after-task-start` (`exec::redis_asm`,
//! once a task is journaled).

use std::time::Duration;

/// Pauses here when `RCLUSTER_FAILPOINT` names this point.
pub async fn pause(name: &str) {
    if let Some(wait) = wanted(name, std::env::var("RCLUSTER_FAILPOINT").ok().as_deref()) {
        tokio::time::sleep(wait).await;
    }
}

/// The pause `setting` asks of the point `name`.
fn wanted(name: &str, setting: Option<&str>) -> Option<Duration> {
    let (point, millis) = setting?.split_once(':')?;
    (point == name).then_some(())?;
    Some(Duration::from_millis(millis.parse().ok()?))
}

#[cfg(test)]
mod tests {
    use super::wanted;
    use std::time::Duration;

    #[test]
    fn a_point_pauses_only_when_named() {
        assert_eq!(
            wanted("before-handoff", Some("before-handoff:250")),
            Some(Duration::from_millis(250))
        );
        assert_eq!(wanted("before-handoff", Some("other:250")), None);
        assert_eq!(wanted("before-handoff", Some("before-handoff")), None);
        assert_eq!(wanted("before-handoff", None), None);
    }
}
