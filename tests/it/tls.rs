//! TLS against real TLS-only redis-server nodes (`port 0`, `tls-cluster yes`, `tls-replication yes`;
//! certificates made with `openssl` for the test): `--tls --cacert`, `--cacertdir`, `--insecure`,
//! `--sni`, a client certificate (`tls-auth-clients yes`) on every command that changes a cluster
//! (failover and restore included), and one-line errors for a missing TLS, TLS to a plain port, an
//! unknown CA, a CA that did not sign the node's certificate, a missing or untrusted client
//! certificate and an expired server certificate.

use crate::common::{TestCluster, run};
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
    std::fs::write(
        dir.join("ext.cnf"),
        "subjectAltName=DNS:localhost,IP:127.0.0.1\n",
    )
    .unwrap();
    sign(dir, "server", "/CN=localhost", "2");
    let cadir = dir.join("cadir");
    std::fs::create_dir_all(&cadir).unwrap();
    std::fs::copy(dir.join("ca.crt"), cadir.join("ca.pem")).unwrap();
    sign(dir, "client", "/CN=rcluster-test-client", "2");
    SandboxTls {
        cert: dir.join("server.crt"),
        key: dir.join("server.key"),
        ca: dir.join("ca.crt"),
        auth_clients: false,
    }
}

/// `NAME.key` and `NAME.crt` signed by the CA in `dir`, valid for `days`.
fn sign(dir: &Path, name: &str, subject: &str, days: &str) {
    let key = format!("{name}.key");
    let csr = format!("{name}.csr");
    let crt = format!("{name}.crt");
    openssl(
        dir,
        &[
            "req", "-newkey", "rsa:2048", "-nodes", "-keyout", &key, "-out", &csr, "-subj", subject,
        ],
    );
    openssl(
        dir,
        &[
            "x509",
            "-req",
            "-in",
            &csr,
            "-CA",
            "ca.crt",
            "-CAkey",
            "ca.key",
            "-CAcreateserial",
            "-out",
            &crt,
            "-days",
            days,
            "-extfile",
            "ext.cnf",
        ],
    );
}

/// `expired.crt`/`expired.key` for 127.0.0.1, signed by the CA in `dir`, valid only in 2020
/// (`openssl ca`, the one openssl 3.0 command that sets dates).
fn expired_certificate(dir: &Path) -> (std::path::PathBuf, std::path::PathBuf) {
    std::fs::write(dir.join("index.txt"), "").unwrap();
    std::fs::write(dir.join("serial"), "1000\n").unwrap();
    std::fs::write(
        dir.join("ca.cnf"),
        "[ca]\ndefault_ca = test\n[test]\ndatabase = index.txt\nserial = serial\nnew_certs_dir = .\n\
         default_md = sha256\npolicy = any\nunique_subject = no\n[any]\ncommonName = supplied\n",
    )
    .unwrap();
    openssl(
        dir,
        &[
            "req",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            "expired.key",
            "-out",
            "expired.csr",
            "-subj",
            "/CN=localhost",
        ],
    );
    openssl(
        dir,
        &[
            "ca",
            "-batch",
            "-config",
            "ca.cnf",
            "-cert",
            "ca.crt",
            "-keyfile",
            "ca.key",
            "-in",
            "expired.csr",
            "-out",
            "expired.crt",
            "-startdate",
            "20200101000000Z",
            "-enddate",
            "20200102000000Z",
            "-extfile",
            "ext.cnf",
        ],
    );
    (dir.join("expired.crt"), dir.join("expired.key"))
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

/// `--tls --cacert CA --cert client.crt --key client.key` for `certs`.
fn client_certificate_args(certs: &Path) -> Vec<String> {
    let path = |name: &str| certs.join(name).to_string_lossy().into_owned();
    vec![
        "--tls".into(),
        "--cacert".into(),
        path("ca.crt"),
        "--cert".into(),
        path("client.crt"),
        "--key".into(),
        path("client.key"),
    ]
}

#[test]
fn every_command_that_changes_a_cluster_runs_on_a_tls_only_cluster_with_client_certificates() {
    let certs = tempfile::tempdir().unwrap();
    let mut tls = make_certificates(certs.path());
    tls.auth_clients = true;
    let nodes = TestCluster::start_with(SandboxOptions {
        masters: 5,
        no_cluster: true,
        tls: Some(tls.clone()),
        ..Default::default()
    });
    let source = TestCluster::start_with(SandboxOptions {
        masters: 1,
        standalone: true,
        tls: Some(tls.clone()),
        ..Default::default()
    });
    let tls_args = client_certificate_args(certs.path());
    let run_tls = |args: &[&str]| {
        let mut all: Vec<&str> = args.to_vec();
        all.extend(tls_args.iter().map(String::as_str));
        let outcome = run(&all);
        assert_eq!(
            outcome.code, 0,
            "{args:?}: {}\n{}",
            outcome.stdout, outcome.stderr
        );
        outcome
    };
    let address = |i: usize| nodes.sandbox.nodes[i].address().to_string();
    run_tls(&["create", &address(0), &address(1), &address(2), "--yes"]);
    let seed = nodes.seed();
    nodes.write_keys(300);
    for i in 0..40 {
        source.redis(source.port(0), &["SET", &format!("imported:{i}"), "v"]);
    }
    let before = nodes.dump_all();
    let first = nodes.id(nodes.port(0));
    run_tls(&[
        "reshard", &seed, "--from", "all", "--to", &first, "--slots", "600", "--yes",
    ]);
    run_tls(&["rebalance", &seed, "--yes"]);
    nodes.open_slot(nodes.port(1), nodes.port(2));
    run_tls(&["fix", &seed, "--yes"]);
    run_tls(&["add-node", &address(3), &seed]);
    let second = nodes.id(nodes.port(1));
    run_tls(&[
        "add-node",
        &address(4),
        &seed,
        "--replica",
        "--master-id",
        &second,
    ]);
    run_tls(&["rebalance", &seed, "--use-empty-masters", "--yes"]);
    // The replica takes over from its master, which then follows it and is removed: it must hold
    // the master's keys first.
    nodes.wait_replicas_of(nodes.port(1));
    run_tls(&["failover", &address(4), "--wait", "30s"]);
    run_tls(&["del-node", &seed, &second]);
    run_tls(&["import", &seed, "--from", &source.seed(), "--copy"]);
    let checked = run_tls(&["check", &seed]);
    assert!(
        checked.stdout.contains("[OK] All 16384 slots covered."),
        "{}",
        checked.stdout
    );
    assert!(!nodes.any_slot_open());
    let after = nodes.dump_all();
    let mut expected = before;
    expected.extend(
        after
            .iter()
            .filter(|(key, _)| key.starts_with(b"imported:"))
            .cloned(),
    );
    expected.sort();
    assert_eq!(expected.len(), 340);
    crate::common::assert_same_keys(&expected, &after);

    // Without the client certificate the node refuses the handshake: one line that says so.
    let ca = certs.path().join("ca.crt");
    let refused = run(&["check", &seed, "--tls", "--cacert", ca.to_str().unwrap()]);
    assert_eq!(refused.code, 2, "{}", refused.stdout);
    assert_eq!(
        refused.stderr.trim().lines().count(),
        1,
        "{}",
        refused.stderr
    );
    assert!(
        refused.stderr.contains("--cert"),
        "names the missing client certificate: {}",
        refused.stderr
    );
}

/// A TLS-only redis-server on a free port serving `cert`/`key`, stopped (by its PID) on drop.
struct LoneTlsServer {
    child: std::process::Child,
    port: u16,
    _dir: tempfile::TempDir,
}

impl LoneTlsServer {
    fn start(cert: &Path, key: &Path, ca: &Path, auth_clients: bool) -> LoneTlsServer {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let dir = tempfile::tempdir().unwrap();
        let child = Command::new("redis-server")
            .args(["--port", "0", "--tls-port", &port.to_string()])
            .args([
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--tls-auth-clients",
                if auth_clients { "yes" } else { "no" },
            ])
            .arg("--tls-cert-file")
            .arg(cert)
            .arg("--tls-key-file")
            .arg(key)
            .arg("--tls-ca-cert-file")
            .arg(ca)
            .arg("--dir")
            .arg(dir.path())
            .stdout(std::process::Stdio::null())
            .spawn()
            .expect("redis-server is not installed: run scripts/install-deps.sh");
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(std::time::Instant::now() < deadline, "server did not start");
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        LoneTlsServer {
            child,
            port,
            _dir: dir,
        }
    }
}

impl Drop for LoneTlsServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn an_expired_server_certificate_and_a_plaintext_client_are_named() {
    let certs = tempfile::tempdir().unwrap();
    let tls = make_certificates(certs.path());
    let (cert, key) = expired_certificate(certs.path());
    let server = LoneTlsServer::start(&cert, &key, &tls.ca, false);
    let address = format!("127.0.0.1:{}", server.port);
    let ca = tls.ca.to_str().unwrap();
    crate::common::assert_one_line_error(
        &run(&["check", &address, "--tls", "--cacert", ca]),
        "expired",
    );
    crate::common::assert_one_line_error(&run(&["check", &address, "--timeout", "1s"]), "--tls");
}

#[test]
fn a_tls_backup_restores_into_another_tls_only_cluster_with_client_certificates() {
    let certs = tempfile::tempdir().unwrap();
    let mut tls = make_certificates(certs.path());
    tls.auth_clients = true;
    let start = |masters| {
        TestCluster::start_with(SandboxOptions {
            masters,
            tls: Some(tls.clone()),
            ..Default::default()
        })
    };
    let (three, four) = (start(3), start(4));
    three.write_keys(2000);
    let before = three.dump_all();
    let tls_args = client_certificate_args(certs.path());
    let with_tls = |args: &[&str]| {
        let mut all: Vec<&str> = args.to_vec();
        all.extend(tls_args.iter().map(String::as_str));
        run(&all)
    };
    let backup = tempfile::tempdir().unwrap();
    let dir = backup.path().to_str().unwrap();
    let saved = with_tls(&["backup", &three.seed(), dir]);
    assert_eq!(saved.code, 0, "{}{}", saved.stdout, saved.stderr);

    // The temporary servers need a certificate to show the nodes: without one, one line says so.
    let ca = certs.path().join("ca.crt");
    let refused = run(&[
        "restore",
        dir,
        &four.seed(),
        "--tls",
        "--cacert",
        ca.to_str().unwrap(),
    ]);
    crate::common::assert_one_line_error(&refused, "--cert and --key");
    assert_eq!(four.dump_all().len(), 0, "nothing restored");

    let restored = with_tls(&["restore", dir, &four.seed()]);
    assert_eq!(restored.code, 0, "{}{}", restored.stdout, restored.stderr);
    crate::common::assert_same_keys(&before, &four.dump_all());
    assert!(!four.any_slot_open());
}

#[test]
fn a_wrong_ca_is_named_for_the_server_and_for_the_client_certificate() {
    let (certs, other) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let tls = make_certificates(certs.path());
    make_certificates(other.path());
    let server = LoneTlsServer::start(&tls.cert, &tls.key, &tls.ca, true);
    let address = format!("127.0.0.1:{}", server.port);
    let path = |dir: &Path, name: &str| dir.join(name).to_string_lossy().into_owned();
    let (ca, other_ca) = (path(certs.path(), "ca.crt"), path(other.path(), "ca.crt"));
    // The node's certificate is not signed by the CA given.
    let client = ["--cert", &path(certs.path(), "client.crt")];
    let key = ["--key", &path(certs.path(), "client.key")];
    let mut args = vec!["check", &address, "--tls", "--cacert", &other_ca];
    args.extend(client.iter().chain(&key).copied());
    let wrong_ca = run(&args);
    crate::common::assert_one_line_error(&wrong_ca, "--cacert");
    // The client certificate is signed by a CA the node does not trust.
    let (foreign, foreign_key) = (
        path(other.path(), "client.crt"),
        path(other.path(), "client.key"),
    );
    let foreign_client = run(&[
        "check",
        &address,
        "--tls",
        "--cacert",
        &ca,
        "--cert",
        &foreign,
        "--key",
        &foreign_key,
    ]);
    crate::common::assert_one_line_error(&foreign_client, "--cert");
    // The right pair is accepted (a lone server is not a cluster node: a usage error of its own).
    let right = run(&[
        "info",
        &address,
        "--tls",
        "--cacert",
        &ca,
        "--cert",
        &path(certs.path(), "client.crt"),
        "--key",
        &path(certs.path(), "client.key"),
    ]);
    assert!(!right.stderr.contains("--cert"), "{}", right.stderr);
}

#[test]
fn an_import_source_with_its_own_ca_is_reached_with_the_from_tls_options() {
    let (target_certs, _, cluster) = tls_cluster();
    let source_certs = tempfile::tempdir().unwrap();
    let source_tls = make_certificates(source_certs.path());
    // The source's MIGRATE checks the target's certificate too: it trusts both CAs.
    let bundle = source_certs.path().join("both.crt");
    let mut both = std::fs::read(target_certs.path().join("ca.crt")).unwrap();
    both.extend(std::fs::read(&source_tls.ca).unwrap());
    std::fs::write(&bundle, both).unwrap();
    let source = TestCluster::start_with(SandboxOptions {
        masters: 1,
        standalone: true,
        tls: Some(SandboxTls {
            ca: bundle,
            ..source_tls.clone()
        }),
        ..Default::default()
    });
    for i in 0..200 {
        source.redis(
            source.port(0),
            &["SET", &format!("from-b:{i}"), &i.to_string()],
        );
    }
    let target_ca = target_certs.path().join("ca.crt");
    let source_ca = source_tls.ca.to_str().unwrap().to_string();
    let (seed, from) = (cluster.seed(), source.seed());
    let import = |extra: &[&str]| {
        let mut args = vec![
            "import",
            seed.as_str(),
            "--from",
            from.as_str(),
            "--copy",
            "--tls",
            "--cacert",
            target_ca.to_str().unwrap(),
        ];
        args.extend(extra);
        run(&args)
    };
    // Reached with the cluster's CA, the source's certificate is untrusted: the advice names the
    // source's flag.
    let untrusted = import(&[]);
    crate::common::assert_one_error(&untrusted, "--from-cacert");
    assert!(untrusted.stderr.contains(&from), "{}", untrusted.stderr);
    crate::common::assert_one_line_error(
        &import(&["--from-cacert", &source_ca]),
        "need --from-tls",
    );
    assert!(cluster.dump_all().is_empty());
    let imported = import(&["--from-tls", "--from-cacert", &source_ca]);
    assert_eq!(imported.code, 0, "{}{}", imported.stdout, imported.stderr);
    let landed = cluster.dump_all();
    assert_eq!(landed.len(), 200);
    let mut sent: Vec<(Vec<u8>, Vec<u8>)> = (0..200)
        .map(|i| {
            let key = format!("from-b:{i}");
            let redis::Value::BulkString(dump) = source.redis(source.port(0), &["DUMP", &key])
            else {
                panic!("{key} is not on the source");
            };
            (key.into_bytes(), dump)
        })
        .collect();
    sent.sort();
    crate::common::assert_same_keys(&sent, &landed);
}
