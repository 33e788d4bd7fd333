//! TLS against real TLS-only redis-server nodes (certificates made with `openssl` for the test):
//! `--tls --cacert`, `--cacertdir`, `--insecure`, `--sni`, and the errors without them.

mod common;

use common::{TestCluster, run};
use rcluster::sandbox::{SandboxOptions, SandboxTls};
use std::path::Path;
use std::process::Command;

fn openssl(dir: &Path, args: &[&str]) {
    let status = Command::new("openssl")
        .args(args)
        .current_dir(dir)
        .output()
        .expect("openssl is needed to make test certificates (apt-get install openssl)");
    assert!(
        status.status.success(),
        "openssl {args:?}: {}",
        String::from_utf8_lossy(&status.stderr)
    );
}

/// A CA and a server certificate for `localhost` / 127.0.0.1 in `dir`.
fn make_certificates(dir: &Path) -> SandboxTls {
    openssl(
        dir,
        &[
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            "ca.key",
            "-out",
            "ca.crt",
            "-days",
            "2",
            "-subj",
            "/CN=rcluster-test-ca",
        ],
    );
    openssl(
        dir,
        &[
            "req",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            "server.key",
            "-out",
            "server.csr",
            "-subj",
            "/CN=localhost",
        ],
    );
    std::fs::write(
        dir.join("ext.cnf"),
        "subjectAltName=DNS:localhost,IP:127.0.0.1\n",
    )
    .unwrap();
    openssl(
        dir,
        &[
            "x509",
            "-req",
            "-in",
            "server.csr",
            "-CA",
            "ca.crt",
            "-CAkey",
            "ca.key",
            "-CAcreateserial",
            "-out",
            "server.crt",
            "-days",
            "2",
            "-extfile",
            "ext.cnf",
        ],
    );
    let cadir = dir.join("cadir");
    std::fs::create_dir_all(&cadir).unwrap();
    std::fs::copy(dir.join("ca.crt"), cadir.join("ca.pem")).unwrap();
    SandboxTls {
        cert: dir.join("server.crt"),
        key: dir.join("server.key"),
        ca: dir.join("ca.crt"),
    }
}

/// A 3-master TLS-only cluster, its certificates and their folder.
fn tls_cluster() -> (tempfile::TempDir, SandboxTls, TestCluster) {
    let certs = tempfile::tempdir().unwrap();
    let tls = make_certificates(certs.path());
    let cluster = TestCluster::start_with(SandboxOptions {
        masters: 3,
        tls: Some(tls.clone()),
        ..Default::default()
    });
    (certs, tls, cluster)
}

#[test]
fn tls_cluster_checks_with_every_tls_option() {
    let (certs, tls, cluster) = tls_cluster();
    let seed = cluster.seed();
    let ca = tls.ca.to_str().unwrap();
    let cadir = certs.path().join("cadir");
    let port = cluster.port(0).to_string();
    let localhost = format!("localhost:{port}");
    for args in [
        vec!["check", seed.as_str(), "--tls", "--cacert", ca],
        vec![
            "check",
            seed.as_str(),
            "--tls",
            "--cacertdir",
            cadir.to_str().unwrap(),
        ],
        vec!["check", seed.as_str(), "--tls", "--insecure"],
        vec![
            "check",
            seed.as_str(),
            "--tls",
            "--cacert",
            ca,
            "--sni",
            "localhost",
        ],
        vec!["info", localhost.as_str(), "--tls", "--cacert", ca],
        vec![
            "--cluster",
            "check",
            "127.0.0.1",
            port.as_str(),
            "--tls",
            "--cacert",
            ca,
        ],
    ] {
        let outcome = run(&args);
        assert!(
            outcome.code == 0 || outcome.code == 1,
            "{args:?}: {}",
            outcome.stderr
        );
        assert!(
            outcome.stdout.contains("[OK] 0 keys in 3 masters."),
            "{args:?}: {}",
            outcome.stdout
        );
        if args.contains(&"check") {
            assert!(
                outcome.stdout.contains("[OK] All 16384 slots covered."),
                "{args:?}: {}",
                outcome.stdout
            );
            assert!(outcome.stdout.contains("[OK] All nodes agree"), "{args:?}");
        }
    }
    let untrusted = run(&["check", &seed, "--tls"]);
    assert_eq!(untrusted.code, 2);
    assert!(
        untrusted.stderr.contains("--cacert"),
        "{}",
        untrusted.stderr
    );
    let plain = run(&["check", &seed, "--timeout", "1s"]);
    assert_eq!(plain.code, 2, "{}", plain.stdout);
    assert_eq!(plain.stderr.trim().lines().count(), 1, "{}", plain.stderr);
}

#[test]
fn tls_backup_saves_every_master() {
    let (_certs, tls, cluster) = tls_cluster();
    let seed = cluster.seed();
    let ca = tls.ca.to_str().unwrap();
    for trust in [vec!["--cacert", ca], vec!["--insecure"]] {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().to_str().unwrap();
        let mut args = vec!["backup", seed.as_str(), path, "--tls"];
        args.extend(&trust);
        let saved = run(&args);
        assert_eq!(saved.code, 0, "{trust:?}: {}{}", saved.stdout, saved.stderr);
        let rdbs: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .flatten()
            .filter(|e| e.path().extension().is_some_and(|x| x == "rdb"))
            .collect();
        assert_eq!(rdbs.len(), 3, "{trust:?}");
        for rdb in rdbs {
            let bytes = std::fs::read(rdb.path()).unwrap();
            assert!(bytes.starts_with(b"REDIS"), "{}", rdb.path().display());
        }
    }
    let dir = tempfile::tempdir().unwrap();
    let untrusted = run(&["backup", &seed, dir.path().to_str().unwrap(), "--tls"]);
    assert_ne!(untrusted.code, 0, "an unknown CA is refused");
}
