
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'rcluster' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'rcluster'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'rcluster' {
            [CompletionResult]::new('-a', '-a', [CompletionResultType]::ParameterName, 'Password for every node (also from REDISCLI_AUTH)')
            [CompletionResult]::new('--pass', '--pass', [CompletionResultType]::ParameterName, 'Password for every node (also from REDISCLI_AUTH)')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'ACL user name (needs a password)')
            [CompletionResult]::new('--auth-file', '--auth-file', [CompletionResultType]::ParameterName, 'Read `user = NAME` and `password = SECRET` from a file only its owner can read (default: ~/.config/rcluster/auth, when it exists and no password is given otherwise)')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'CA certificate file to verify the nodes (with --tls)')
            [CompletionResult]::new('--cacertdir', '--cacertdir', [CompletionResultType]::ParameterName, 'Folder of CA certificates (with --tls)')
            [CompletionResult]::new('--cert', '--cert', [CompletionResultType]::ParameterName, 'Client certificate (with --tls and --key)')
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'Client private key (with --tls and --cert)')
            [CompletionResult]::new('--sni', '--sni', [CompletionResultType]::ParameterName, 'Server name to send in the TLS handshake')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'Bound on connecting to a node (and AUTH): `2s`, `500ms`, or milliseconds')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Bound on each reply from a node: `3s`, `500ms`, or milliseconds')
            [CompletionResult]::new('--events', '--events', [CompletionResultType]::ParameterName, 'Show progress, warnings and hints on stderr as text (default) or as one JSON object a line')
            [CompletionResult]::new('--askpass', '--askpass', [CompletionResultType]::ParameterName, 'Read the password from the terminal without echo')
            [CompletionResult]::new('--tls', '--tls', [CompletionResultType]::ParameterName, 'Connect with TLS')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Do not verify the nodes'' certificates')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print the result as one JSON document on stdout (also on failure; see docs/json.md)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors and the final result')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors and the final result')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more: per-node and per-slot detail (-vv for even more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more: per-node and per-slot detail (-vv for even more)')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Never colour the output (also with NO_COLOR set, or when stdout is not a terminal)')
            [CompletionResult]::new('--redis-cli-compat', '--redis-cli-compat', [CompletionResultType]::ParameterName, 'Set when the command line was given in redis-cli syntax')
            [CompletionResult]::new('--no-auth-warning', '--no-auth-warning', [CompletionResultType]::ParameterName, 'Do not warn about a password given with -a or --pass')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('create', 'create', [CompletionResultType]::ParameterValue, 'Form a new cluster from empty nodes, with zone-aware replica placement')
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'Check the cluster: slot agreement, open slots, coverage, node health, replica placement')
            [CompletionResult]::new('doctor', 'doctor', [CompletionResultType]::ParameterValue, 'Check, then explain every finding (what it means, why it happens) and the commands that fix it')
            [CompletionResult]::new('info', 'info', [CompletionResultType]::ParameterValue, 'Keys, slots and replicas per master')
            [CompletionResult]::new('add-node', 'add-node', [CompletionResultType]::ParameterValue, 'Add an empty node as a master or, with --replica, as a replica')
            [CompletionResult]::new('del-node', 'del-node', [CompletionResultType]::ParameterValue, 'Remove a node that owns no slots (also a dead or unreachable one)')
            [CompletionResult]::new('call', 'call', [CompletionResultType]::ParameterValue, 'Run a command on every node (or only masters / replicas) at once')
            [CompletionResult]::new('set-timeout', 'set-timeout', [CompletionResultType]::ParameterValue, 'Set cluster-node-timeout on every node (CONFIG SET + CONFIG REWRITE)')
            [CompletionResult]::new('apply', 'apply', [CompletionResultType]::ParameterValue, 'Carry out a plan file written by reshard/rebalance --plan-out, if the cluster has not changed')
            [CompletionResult]::new('rebalance', 'rebalance', [CompletionResultType]::ParameterValue, 'Give every master its weighted share of the slots (weight 0 empties a master)')
            [CompletionResult]::new('reshard', 'reshard', [CompletionResultType]::ParameterValue, 'Move slots to a master from others (exactly the number asked for, several sources at once)')
            [CompletionResult]::new('fix', 'fix', [CompletionResultType]::ParameterValue, 'Repair open, uncovered and multiply-owned slots: shows the plan and why, then carries it out')
            [CompletionResult]::new('backup', 'backup', [CompletionResultType]::ParameterValue, 'Save every master''s RDB (SYNC, all at once) and nodes.json into a folder')
            [CompletionResult]::new('restore', 'restore', [CompletionResultType]::ParameterValue, 'Restore a backup into a running cluster of any shape (verified against its manifest first)')
            [CompletionResult]::new('import', 'import', [CompletionResultType]::ParameterValue, 'Move every key of a standalone server (db 0) into the cluster, batched per owner')
            [CompletionResult]::new('resume', 'resume', [CompletionResultType]::ParameterValue, 'Finish an interrupted reshard, rebalance or apply forward, from its journal')
            [CompletionResult]::new('setslot', 'setslot', [CompletionResultType]::ParameterValue, 'Low-level CLUSTER SETSLOT on one node')
            [CompletionResult]::new('local', 'local', [CompletionResultType]::ParameterValue, 'A throwaway cluster on this machine')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'rcluster;create' {
            [CompletionResult]::new('--replicas', '--replicas', [CompletionResultType]::ParameterName, 'Replicas per master')
            [CompletionResult]::new('--zone', '--zone', [CompletionResultType]::ParameterName, 'The failure zone of a host, HOST=ZONE, or of one node, HOST:PORT=ZONE (repeat for each); replicas are kept out of their master''s zone when possible')
            [CompletionResult]::new('--wait', '--wait', [CompletionResultType]::ParameterName, 'Bound on waiting for the cluster to form and become healthy')
            [CompletionResult]::new('-a', '-a', [CompletionResultType]::ParameterName, 'Password for every node (also from REDISCLI_AUTH)')
            [CompletionResult]::new('--pass', '--pass', [CompletionResultType]::ParameterName, 'Password for every node (also from REDISCLI_AUTH)')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'ACL user name (needs a password)')
            [CompletionResult]::new('--auth-file', '--auth-file', [CompletionResultType]::ParameterName, 'Read `user = NAME` and `password = SECRET` from a file only its owner can read (default: ~/.config/rcluster/auth, when it exists and no password is given otherwise)')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'CA certificate file to verify the nodes (with --tls)')
            [CompletionResult]::new('--cacertdir', '--cacertdir', [CompletionResultType]::ParameterName, 'Folder of CA certificates (with --tls)')
            [CompletionResult]::new('--cert', '--cert', [CompletionResultType]::ParameterName, 'Client certificate (with --tls and --key)')
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'Client private key (with --tls and --cert)')
            [CompletionResult]::new('--sni', '--sni', [CompletionResultType]::ParameterName, 'Server name to send in the TLS handshake')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'Bound on connecting to a node (and AUTH): `2s`, `500ms`, or milliseconds')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Bound on each reply from a node: `3s`, `500ms`, or milliseconds')
            [CompletionResult]::new('--events', '--events', [CompletionResultType]::ParameterName, 'Show progress, warnings and hints on stderr as text (default) or as one JSON object a line')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Show the plan and stop')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Apply without asking')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Apply without asking')
            [CompletionResult]::new('--askpass', '--askpass', [CompletionResultType]::ParameterName, 'Read the password from the terminal without echo')
            [CompletionResult]::new('--tls', '--tls', [CompletionResultType]::ParameterName, 'Connect with TLS')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Do not verify the nodes'' certificates')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print the result as one JSON document on stdout (also on failure; see docs/json.md)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors and the final result')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors and the final result')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more: per-node and per-slot detail (-vv for even more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more: per-node and per-slot detail (-vv for even more)')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Never colour the output (also with NO_COLOR set, or when stdout is not a terminal)')
            [CompletionResult]::new('--redis-cli-compat', '--redis-cli-compat', [CompletionResultType]::ParameterName, 'Set when the command line was given in redis-cli syntax')
            [CompletionResult]::new('--no-auth-warning', '--no-auth-warning', [CompletionResultType]::ParameterName, 'Do not warn about a password given with -a or --pass')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'rcluster;check' {
            [CompletionResult]::new('-a', '-a', [CompletionResultType]::ParameterName, 'Password for every node (also from REDISCLI_AUTH)')
            [CompletionResult]::new('--pass', '--pass', [CompletionResultType]::ParameterName, 'Password for every node (also from REDISCLI_AUTH)')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'ACL user name (needs a password)')
            [CompletionResult]::new('--auth-file', '--auth-file', [CompletionResultType]::ParameterName, 'Read `user = NAME` and `password = SECRET` from a file only its owner can read (default: ~/.config/rcluster/auth, when it exists and no password is given otherwise)')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'CA certificate file to verify the nodes (with --tls)')
            [CompletionResult]::new('--cacertdir', '--cacertdir', [CompletionResultType]::ParameterName, 'Folder of CA certificates (with --tls)')
            [CompletionResult]::new('--cert', '--cert', [CompletionResultType]::ParameterName, 'Client certificate (with --tls and --key)')
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'Client private key (with --tls and --cert)')
            [CompletionResult]::new('--sni', '--sni', [CompletionResultType]::ParameterName, 'Server name to send in the TLS handshake')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'Bound on connecting to a node (and AUTH): `2s`, `500ms`, or milliseconds')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Bound on each reply from a node: `3s`, `500ms`, or milliseconds')
            [CompletionResult]::new('--events', '--events', [CompletionResultType]::ParameterName, 'Show progress, warnings and hints on stderr as text (default) or as one JSON object a line')
            [CompletionResult]::new('--search-multiple-owners', '--search-multiple-owners', [CompletionResultType]::ParameterName, 'Also look for slots that have keys on a master that does not own them (one pipelined COUNTKEYSINSLOT sweep per master)')
            [CompletionResult]::new('--askpass', '--askpass', [CompletionResultType]::ParameterName, 'Read the password from the terminal without echo')
            [CompletionResult]::new('--tls', '--tls', [CompletionResultType]::ParameterName, 'Connect with TLS')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Do not verify the nodes'' certificates')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print the result as one JSON document on stdout (also on failure; see docs/json.md)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors and the final result')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors and the final result')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more: per-node and per-slot detail (-vv for even more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more: per-node and per-slot detail (-vv for even more)')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Never colour the output (also with NO_COLOR set, or when stdout is not a terminal)')
            [CompletionResult]::new('--redis-cli-compat', '--redis-cli-compat', [CompletionResultType]::ParameterName, 'Set when the command line was given in redis-cli syntax')
            [CompletionResult]::new('--no-auth-warning', '--no-auth-warning', [CompletionResultType]::ParameterName, 'Do not warn about a password given with -a or --pass')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'rcluster;doctor' {
            [CompletionResult]::new('-a', '-a', [CompletionResultType]::ParameterName, 'Password for every node (also from REDISCLI_AUTH)')
            [CompletionResult]::new('--pass', '--pass', [CompletionResultType]::ParameterName, 'Password for every node (also from REDISCLI_AUTH)')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'ACL user name (needs a password)')
            [CompletionResult]::new('--auth-file', '--auth-file', [CompletionResultType]::ParameterName, 'Read `user = NAME` and `password = SECRET` from a file only its owner can read (default: ~/.config/rcluster/auth, when it exists and no password is given otherwise)')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'CA certificate file to verify the nodes (with --tls)')
            [CompletionResult]::new('--cacertdir', '--cacertdir', [CompletionResultType]::ParameterName, 'Folder of CA certificates (with --tls)')
            [CompletionResult]::new('--cert', '--cert', [CompletionResultType]::ParameterName, 'Client certificate (with --tls and --key)')
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'Client private key (with --tls and --cert)')
            [CompletionResult]::new('--sni', '--sni', [CompletionResultType]::ParameterName, 'Server name to send in the TLS handshake')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'Bound on connecting to a node (and AUTH): `2s`, `500ms`, or milliseconds')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Bound on each reply from a node: `3s`, `500ms`, or milliseconds')
            [CompletionResult]::new('--events', '--events', [CompletionResultType]::ParameterName, 'Show progress, warnings and hints on stderr as text (default) or as one JSON object a line')
            [CompletionResult]::new('--search-multiple-owners', '--search-multiple-owners', [CompletionResultType]::ParameterName, 'Also look for keys held by masters that do not own their slot')
            [CompletionResult]::new('--askpass', '--askpass', [CompletionResultType]::ParameterName, 'Read the password from the terminal without echo')
            [CompletionResult]::new('--tls', '--tls', [CompletionResultType]::ParameterName, 'Connect with TLS')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Do not verify the nodes'' certificates')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print the result as one JSON document on stdout (also on failure; see docs/json.md)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors and the final result')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors and the final result')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more: per-node and per-slot detail (-vv for even more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more: per-node and per-slot detail (-vv for even more)')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Never colour the output (also with NO_COLOR set, or when stdout is not a terminal)')
            [CompletionResult]::new('--redis-cli-compat', '--redis-cli-compat', [CompletionResultType]::ParameterName, 'Set when the command line was given in redis-cli syntax')
            [CompletionResult]::new('--no-auth-warning', '--no-auth-warning', [CompletionResultType]::ParameterName, 'Do not warn about a password given with -a or --pass')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'rcluster;info' {
            [CompletionResult]::new('-a', '-a', [CompletionResultType]::ParameterName, 'Password for every node (also from REDISCLI_AUTH)')
            [CompletionResult]::new('--pass', '--pass', [CompletionResultType]::ParameterName, 'Password for every node (also from REDISCLI_AUTH)')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'ACL user name (needs a password)')
            [CompletionResult]::new('--auth-file', '--auth-file', [CompletionResultType]::ParameterName, 'Read `user = NAME` and `password = SECRET` from a file only its owner can read (default: ~/.config/rcluster/auth, when it exists and no password is given otherwise)')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'CA certificate file to verify the nodes (with --tls)')
            [CompletionResult]::new('--cacertdir', '--cacertdir', [CompletionResultType]::ParameterName, 'Folder of CA certificates (with --tls)')
            [CompletionResult]::new('--cert', '--cert', [CompletionResultType]::ParameterName, 'Client certificate (with --tls and --key)')
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'Client private key (with --tls and --cert)')
            [CompletionResult]::new('--sni', '--sni', [CompletionResultType]::ParameterName, 'Server name to send in the TLS handshake')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'Bound on connecting to a node (and AUTH): `2s`, `500ms`, or milliseconds')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Bound on each reply from a node: `3s`, `500ms`, or milliseconds')
            [CompletionResult]::new('--events', '--events', [CompletionResultType]::ParameterName, 'Show progress, warnings and hints on stderr as text (default) or as one JSON object a line')
            [CompletionResult]::new('--askpass', '--askpass', [CompletionResultType]::ParameterName, 'Read the password from the terminal without echo')
            [CompletionResult]::new('--tls', '--tls', [CompletionResultType]::ParameterName, 'Connect with TLS')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Do not verify the nodes'' certificates')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print the result as one JSON document on stdout (also on failure; see docs/json.md)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors and the final result')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors and the final result')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more: per-node and per-slot detail (-vv for even more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more: per-node and per-slot detail (-vv for even more)')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Never colour the output (also with NO_COLOR set, or when stdout is not a terminal)')
            [CompletionResult]::new('--redis-cli-compat', '--redis-cli-compat', [CompletionResultType]::ParameterName, 'Set when the command line was given in redis-cli syntax')
            [CompletionResult]::new('--no-auth-warning', '--no-auth-warning', [CompletionResultType]::ParameterName, 'Do not warn about a password given with -a or --pass')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'rcluster;add-node' {
            [CompletionResult]::new('--master-id', '--master-id', [CompletionResultType]::ParameterName, 'The master the replica follows (id, or a unique prefix of 8 or more characters); default: the master with the fewest replicas. Ignored without --replica, as redis-cli ignores it')
            [CompletionResult]::new('--wait', '--wait', [CompletionResultType]::ParameterName, 'Bound on waiting for every node to know the new one')
            [CompletionResult]::new('-a', '-a', [CompletionResultType]::ParameterName, 'Password for every node (also from REDISCLI_AUTH)')
            [CompletionResult]::new('--pass', '--pass', [CompletionResultType]::ParameterName, 'Password for every node (also from REDISCLI_AUTH)')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'ACL user name (needs a password)')
            [CompletionResult]::new('--auth-file', '--auth-file', [CompletionResultType]::ParameterName, 'Read `user = NAME` and `password = SECRET` from a file only its owner can read (default: ~/.config/rcluster/auth, when it exists and no password is given otherwise)')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'CA certificate file to verify the nodes (with --tls)')
            [CompletionResult]::new('--cacertdir', '--cacertdir', [CompletionResultType]::ParameterName, 'Folder of CA certificates (with --tls)')
            [CompletionResult]::new('--cert', '--cert', [CompletionResultType]::ParameterName, 'Client certificate (with --tls and --key)')
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'Client private key (with --tls and --cert)')
            [CompletionResult]::new('--sni', '--sni', [CompletionResultType]::ParameterName, 'Server name to send in the TLS handshake')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'Bound on connecting to a node (and AUTH): `2s`, `500ms`, or milliseconds')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Bound on each reply from a node: `3s`, `500ms`, or milliseconds')
            [CompletionResult]::new('--events', '--events', [CompletionResultType]::ParameterName, 'Show progress, warnings and hints on stderr as text (default) or as one JSON object a line')
            [CompletionResult]::new('--replica', '--replica', [CompletionResultType]::ParameterName, 'Add the node as a replica')
            [CompletionResult]::new('--askpass', '--askpass', [CompletionResultType]::ParameterName, 'Read the password from the terminal without echo')
            [CompletionResult]::new('--tls', '--tls', [CompletionResultType]::ParameterName, 'Connect with TLS')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Do not verify the nodes'' certificates')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print the result as one JSON document on stdout (also on failure; see docs/json.md)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors and the final result')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors and the final result')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more: per-node and per-slot detail (-vv for even more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more: per-node and per-slot detail (-vv for even more)')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Never colour the output (also with NO_COLOR set, or when stdout is not a terminal)')
            [CompletionResult]::new('--redis-cli-compat', '--redis-cli-compat', [CompletionResultType]::ParameterName, 'Set when the command line was given in redis-cli syntax')
            [CompletionResult]::new('--no-auth-warning', '--no-auth-warning', [CompletionResultType]::ParameterName, 'Do not warn about a password given with -a or --pass')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'rcluster;del-node' {
            [CompletionResult]::new('-a', '-a', [CompletionResultType]::ParameterName, 'Password for every node (also from REDISCLI_AUTH)')
            [CompletionResult]::new('--pass', '--pass', [CompletionResultType]::ParameterName, 'Password for every node (also from REDISCLI_AUTH)')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'ACL user name (needs a password)')
            [CompletionResult]::new('--auth-file', '--auth-file', [CompletionResultType]::ParameterName, 'Read `user = NAME` and `password = SECRET` from a file only its owner can read (default: ~/.config/rcluster/auth, when it exists and no password is given otherwise)')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'CA certificate file to verify the nodes (with --tls)')
            [CompletionResult]::new('--cacertdir', '--cacertdir', [CompletionResultType]::ParameterName, 'Folder of CA certificates (with --tls)')
            [CompletionResult]::new('--cert', '--cert', [CompletionResultType]::ParameterName, 'Client certificate (with --tls and --key)')
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'Client private key (with --tls and --cert)')
            [CompletionResult]::new('--sni', '--sni', [CompletionResultType]::ParameterName, 'Server name to send in the TLS handshake')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'Bound on connecting to a node (and AUTH): `2s`, `500ms`, or milliseconds')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Bound on each reply from a node: `3s`, `500ms`, or milliseconds')
            [CompletionResult]::new('--events', '--events', [CompletionResultType]::ParameterName, 'Show progress, warnings and hints on stderr as text (default) or as one JSON object a line')
            [CompletionResult]::new('--askpass', '--askpass', [CompletionResultType]::ParameterName, 'Read the password from the terminal without echo')
            [CompletionResult]::new('--tls', '--tls', [CompletionResultType]::ParameterName, 'Connect with TLS')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Do not verify the nodes'' certificates')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print the result as one JSON document on stdout (also on failure; see docs/json.md)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors and the final result')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors and the final result')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more: per-node and per-slot detail (-vv for even more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more: per-node and per-slot detail (-vv for even more)')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Never colour the output (also with NO_COLOR set, or when stdout is not a terminal)')
            [CompletionResult]::new('--redis-cli-compat', '--redis-cli-compat', [CompletionResultType]::ParameterName, 'Set when the command line was given in redis-cli syntax')
            [CompletionResult]::new('--no-auth-warning', '--no-auth-warning', [CompletionResultType]::ParameterName, 'Do not warn about a password given with -a or --pass')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'rcluster;call' {
            [CompletionResult]::new('-a', '-a', [CompletionResultType]::ParameterName, 'Password for every node (also from REDISCLI_AUTH)')
            [CompletionResult]::new('--pass', '--pass', [CompletionResultType]::ParameterName, 'Password for every node (also from REDISCLI_AUTH)')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'ACL user name (needs a password)')
            [CompletionResult]::new('--auth-file', '--auth-file', [CompletionResultType]::ParameterName, 'Read `user = NAME` and `password = SECRET` from a file only its owner can read (default: ~/.config/rcluster/auth, when it exists and no password is given otherwise)')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'CA certificate file to verify the nodes (with --tls)')
            [CompletionResult]::new('--cacertdir', '--cacertdir', [CompletionResultType]::ParameterName, 'Folder of CA certificates (with --tls)')
            [CompletionResult]::new('--cert', '--cert', [CompletionResultType]::ParameterName, 'Client certificate (with --tls and --key)')
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'Client private key (with --tls and --cert)')
            [CompletionResult]::new('--sni', '--sni', [CompletionResultType]::ParameterName, 'Server name to send in the TLS handshake')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'Bound on connecting to a node (and AUTH): `2s`, `500ms`, or milliseconds')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Bound on each reply from a node: `3s`, `500ms`, or milliseconds')
            [CompletionResult]::new('--events', '--events', [CompletionResultType]::ParameterName, 'Show progress, warnings and hints on stderr as text (default) or as one JSON object a line')
            [CompletionResult]::new('--only-masters', '--only-masters', [CompletionResultType]::ParameterName, 'Only masters')
            [CompletionResult]::new('--only-replicas', '--only-replicas', [CompletionResultType]::ParameterName, 'Only replicas')
            [CompletionResult]::new('--askpass', '--askpass', [CompletionResultType]::ParameterName, 'Read the password from the terminal without echo')
            [CompletionResult]::new('--tls', '--tls', [CompletionResultType]::ParameterName, 'Connect with TLS')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Do not verify the nodes'' certificates')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print the result as one JSON document on stdout (also on failure; see docs/json.md)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors and the final result')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors and the final result')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more: per-node and per-slot detail (-vv for even more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more: per-node and per-slot detail (-vv for even more)')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Never colour the output (also with NO_COLOR set, or when stdout is not a terminal)')
            [CompletionResult]::new('--redis-cli-compat', '--redis-cli-compat', [CompletionResultType]::ParameterName, 'Set when the command line was given in redis-cli syntax')
            [CompletionResult]::new('--no-auth-warning', '--no-auth-warning', [CompletionResultType]::ParameterName, 'Do not warn about a password given with -a or --pass')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'rcluster;set-timeout' {
            [CompletionResult]::new('-a', '-a', [CompletionResultType]::ParameterName, 'Password for every node (also from REDISCLI_AUTH)')
            [CompletionResult]::new('--pass', '--pass', [CompletionResultType]::ParameterName, 'Password for every node (also from REDISCLI_AUTH)')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'ACL user name (needs a password)')
            [CompletionResult]::new('--auth-file', '--auth-file', [CompletionResultType]::ParameterName, 'Read `user = NAME` and `password = SECRET` from a file only its owner can read (default: ~/.config/rcluster/auth, when it exists and no password is given otherwise)')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'CA certificate file to verify the nodes (with --tls)')
            [CompletionResult]::new('--cacertdir', '--cacertdir', [CompletionResultType]::ParameterName, 'Folder of CA certificates (with --tls)')
            [CompletionResult]::new('--cert', '--cert', [CompletionResultType]::ParameterName, 'Client certificate (with --tls and --key)')
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'Client private key (with --tls and --cert)')
            [CompletionResult]::new('--sni', '--sni', [CompletionResultType]::ParameterName, 'Server name to send in the TLS handshake')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'Bound on connecting to a node (and AUTH): `2s`, `500ms`, or milliseconds')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Bound on each reply from a node: `3s`, `500ms`, or milliseconds')
            [CompletionResult]::new('--events', '--events', [CompletionResultType]::ParameterName, 'Show progress, warnings and hints on stderr as text (default) or as one JSON object a line')
            [CompletionResult]::new('--askpass', '--askpass', [CompletionResultType]::ParameterName, 'Read the password from the terminal without echo')
            [CompletionResult]::new('--tls', '--tls', [CompletionResultType]::ParameterName, 'Connect with TLS')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Do not verify the nodes'' certificates')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print the result as one JSON document on stdout (also on failure; see docs/json.md)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors and the final result')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors and the final result')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more: per-node and per-slot detail (-vv for even more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more: per-node and per-slot detail (-vv for even more)')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Never colour the output (also with NO_COLOR set, or when stdout is not a terminal)')
            [CompletionResult]::new('--redis-cli-compat', '--redis-cli-compat', [CompletionResultType]::ParameterName, 'Set when the command line was given in redis-cli syntax')
            [CompletionResult]::new('--no-auth-warning', '--no-auth-warning', [CompletionResultType]::ParameterName, 'Do not warn about a password given with -a or --pass')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'rcluster;apply' {
            [CompletionResult]::new('--node', '--node', [CompletionResultType]::ParameterName, 'Reach the cluster through this node instead of the one the plan was made through')
            [CompletionResult]::new('--rate', '--rate', [CompletionResultType]::ParameterName, 'Throttle: at most this many keys per second over all sources')
            [CompletionResult]::new('--journal', '--journal', [CompletionResultType]::ParameterName, 'The journal to record progress in (default: a new file under ~/.local/state/rcluster/journals), read by `rcluster resume`')
            [CompletionResult]::new('--pipeline', '--pipeline', [CompletionResultType]::ParameterName, 'Keys per GETKEYSINSLOT / MIGRATE batch')
            [CompletionResult]::new('--migrate-timeout', '--migrate-timeout', [CompletionResultType]::ParameterName, 'MIGRATE''s timeout: `60s`, or milliseconds')
            [CompletionResult]::new('--parallel', '--parallel', [CompletionResultType]::ParameterName, 'Sources moving slots at once')
            [CompletionResult]::new('--migration', '--migration', [CompletionResultType]::ParameterName, 'How slots move: `legacy` (per-slot MIGRATE, every server), `atomic` (server-side CLUSTER MIGRATESLOTS, Valkey 9+), `auto` (atomic when every master offers it and --rate is not given)')
            [CompletionResult]::new('--window', '--window', [CompletionResultType]::ParameterName, 'Slots of one source in flight together (each protocol step pipelined for all of them); 1 moves one slot at a time like redis-cli')
            [CompletionResult]::new('--plan-out', '--plan-out', [CompletionResultType]::ParameterName, 'Also write the plan to this file (JSON, with a fingerprint of the topology) for `rcluster apply`')
            [CompletionResult]::new('-a', '-a', [CompletionResultType]::ParameterName, 'Password for every node (also from REDISCLI_AUTH)')
            [CompletionResult]::new('--pass', '--pass', [CompletionResultType]::ParameterName, 'Password for every node (also from REDISCLI_AUTH)')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'ACL user name (needs a password)')
            [CompletionResult]::new('--auth-file', '--auth-file', [CompletionResultType]::ParameterName, 'Read `user = NAME` and `password = SECRET` from a file only its owner can read (default: ~/.config/rcluster/auth, when it exists and no password is given otherwise)')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'CA certificate file to verify the nodes (with --tls)')
            [CompletionResult]::new('--cacertdir', '--cacertdir', [CompletionResultType]::ParameterName, 'Folder of CA certificates (with --tls)')
            [CompletionResult]::new('--cert', '--cert', [CompletionResultType]::ParameterName, 'Client certificate (with --tls and --key)')
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'Client private key (with --tls and --cert)')
            [CompletionResult]::new('--sni', '--sni', [CompletionResultType]::ParameterName, 'Server name to send in the TLS handshake')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'Bound on connecting to a node (and AUTH): `2s`, `500ms`, or milliseconds')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Bound on each reply from a node: `3s`, `500ms`, or milliseconds')
            [CompletionResult]::new('--events', '--events', [CompletionResultType]::ParameterName, 'Show progress, warnings and hints on stderr as text (default) or as one JSON object a line')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Apply without asking')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Apply without asking')
            [CompletionResult]::new('--replace', '--replace', [CompletionResultType]::ParameterName, 'Overwrite keys that already exist on the target (otherwise equal values are merged and different ones stop the move)')
            [CompletionResult]::new('--askpass', '--askpass', [CompletionResultType]::ParameterName, 'Read the password from the terminal without echo')
            [CompletionResult]::new('--tls', '--tls', [CompletionResultType]::ParameterName, 'Connect with TLS')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Do not verify the nodes'' certificates')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print the result as one JSON document on stdout (also on failure; see docs/json.md)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors and the final result')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors and the final result')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more: per-node and per-slot detail (-vv for even more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more: per-node and per-slot detail (-vv for even more)')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Never colour the output (also with NO_COLOR set, or when stdout is not a terminal)')
            [CompletionResult]::new('--redis-cli-compat', '--redis-cli-compat', [CompletionResultType]::ParameterName, 'Set when the command line was given in redis-cli syntax')
            [CompletionResult]::new('--no-auth-warning', '--no-auth-warning', [CompletionResultType]::ParameterName, 'Do not warn about a password given with -a or --pass')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'rcluster;rebalance' {
            [CompletionResult]::new('--weight', '--weight', [CompletionResultType]::ParameterName, 'A master''s weight, ID=WEIGHT (id or unique prefix; default 1; 0 empties the master)')
            [CompletionResult]::new('--threshold', '--threshold', [CompletionResultType]::ParameterName, 'Only rebalance when a master is off its share by more than this percentage (0: balance exactly)')
            [CompletionResult]::new('--by', '--by', [CompletionResultType]::ParameterName, 'What to balance: `slots`; `keys` (key counts, moving as few slots as possible); `memory` (bytes, estimated per slot from each master''s dataset memory per key)')
            [CompletionResult]::new('--plan-out', '--plan-out', [CompletionResultType]::ParameterName, 'Also write the plan to this file (JSON, with a fingerprint of the topology) for `rcluster apply`')
            [CompletionResult]::new('--rate', '--rate', [CompletionResultType]::ParameterName, 'Throttle: at most this many keys per second over all sources')
            [CompletionResult]::new('--journal', '--journal', [CompletionResultType]::ParameterName, 'The journal to record progress in (default: a new file under ~/.local/state/rcluster/journals), read by `rcluster resume`')
            [CompletionResult]::new('--pipeline', '--pipeline', [CompletionResultType]::ParameterName, 'Keys per GETKEYSINSLOT / MIGRATE batch')
            [CompletionResult]::new('--migrate-timeout', '--migrate-timeout', [CompletionResultType]::ParameterName, 'MIGRATE''s timeout: `60s`, or milliseconds')
            [CompletionResult]::new('--parallel', '--parallel', [CompletionResultType]::ParameterName, 'Sources moving slots at once')
            [CompletionResult]::new('--migration', '--migration', [CompletionResultType]::ParameterName, 'How slots move: `legacy` (per-slot MIGRATE, every server), `atomic` (server-side CLUSTER MIGRATESLOTS, Valkey 9+), `auto` (atomic when every master offers it and --rate is not given)')
            [CompletionResult]::new('--window', '--window', [CompletionResultType]::ParameterName, 'Slots of one source in flight together (each protocol step pipelined for all of them); 1 moves one slot at a time like redis-cli')
            [CompletionResult]::new('-a', '-a', [CompletionResultType]::ParameterName, 'Password for every node (also from REDISCLI_AUTH)')
            [CompletionResult]::new('--pass', '--pass', [CompletionResultType]::ParameterName, 'Password for every node (also from REDISCLI_AUTH)')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'ACL user name (needs a password)')
            [CompletionResult]::new('--auth-file', '--auth-file', [CompletionResultType]::ParameterName, 'Read `user = NAME` and `password = SECRET` from a file only its owner can read (default: ~/.config/rcluster/auth, when it exists and no password is given otherwise)')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'CA certificate file to verify the nodes (with --tls)')
            [CompletionResult]::new('--cacertdir', '--cacertdir', [CompletionResultType]::ParameterName, 'Folder of CA certificates (with --tls)')
            [CompletionResult]::new('--cert', '--cert', [CompletionResultType]::ParameterName, 'Client certificate (with --tls and --key)')
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'Client private key (with --tls and --cert)')
            [CompletionResult]::new('--sni', '--sni', [CompletionResultType]::ParameterName, 'Server name to send in the TLS handshake')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'Bound on connecting to a node (and AUTH): `2s`, `500ms`, or milliseconds')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Bound on each reply from a node: `3s`, `500ms`, or milliseconds')
            [CompletionResult]::new('--events', '--events', [CompletionResultType]::ParameterName, 'Show progress, warnings and hints on stderr as text (default) or as one JSON object a line')
            [CompletionResult]::new('--use-empty-masters', '--use-empty-masters', [CompletionResultType]::ParameterName, 'Give slots to masters that have none')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Show the moves and stop')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Move without asking (redis-cli syntax never asks, as redis-cli does not)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Move without asking (redis-cli syntax never asks, as redis-cli does not)')
            [CompletionResult]::new('--replace', '--replace', [CompletionResultType]::ParameterName, 'Overwrite keys that already exist on the target (otherwise equal values are merged and different ones stop the move)')
            [CompletionResult]::new('--askpass', '--askpass', [CompletionResultType]::ParameterName, 'Read the password from the terminal without echo')
            [CompletionResult]::new('--tls', '--tls', [CompletionResultType]::ParameterName, 'Connect with TLS')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Do not verify the nodes'' certificates')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print the result as one JSON document on stdout (also on failure; see docs/json.md)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors and the final result')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors and the final result')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more: per-node and per-slot detail (-vv for even more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more: per-node and per-slot detail (-vv for even more)')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Never colour the output (also with NO_COLOR set, or when stdout is not a terminal)')
            [CompletionResult]::new('--redis-cli-compat', '--redis-cli-compat', [CompletionResultType]::ParameterName, 'Set when the command line was given in redis-cli syntax')
            [CompletionResult]::new('--no-auth-warning', '--no-auth-warning', [CompletionResultType]::ParameterName, 'Do not warn about a password given with -a or --pass')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'rcluster;reshard' {
            [CompletionResult]::new('--from', '--from', [CompletionResultType]::ParameterName, 'Source masters: ids (or unique prefixes of 8 or more characters) separated by commas, or `all`')
            [CompletionResult]::new('--to', '--to', [CompletionResultType]::ParameterName, 'The receiving master''s id (or a unique prefix of 8 or more characters)')
            [CompletionResult]::new('--slots', '--slots', [CompletionResultType]::ParameterName, 'How many slots to move (exactly this many)')
            [CompletionResult]::new('--slot-ranges', '--slot-ranges', [CompletionResultType]::ParameterName, 'Exact slots to move to --to, each from its owner: `0-99,5000`')
            [CompletionResult]::new('--plan-out', '--plan-out', [CompletionResultType]::ParameterName, 'Also write the plan to this file (JSON, with a fingerprint of the topology) for `rcluster apply`')
            [CompletionResult]::new('--rate', '--rate', [CompletionResultType]::ParameterName, 'Throttle: at most this many keys per second over all sources')
            [CompletionResult]::new('--journal', '--journal', [CompletionResultType]::ParameterName, 'The journal to record progress in (default: a new file under ~/.local/state/rcluster/journals), read by `rcluster resume`')
            [CompletionResult]::new('--pipeline', '--pipeline', [CompletionResultType]::ParameterName, 'Keys per GETKEYSINSLOT / MIGRATE batch')
            [CompletionResult]::new('--migrate-timeout', '--migrate-timeout', [CompletionResultType]::ParameterName, 'MIGRATE''s timeout: `60s`, or milliseconds')
            [CompletionResult]::new('--parallel', '--parallel', [CompletionResultType]::ParameterName, 'Sources moving slots at once')
            [CompletionResult]::new('--migration', '--migration', [CompletionResultType]::ParameterName, 'How slots move: `legacy` (per-slot MIGRATE, every server), `atomic` (server-side CLUSTER MIGRATESLOTS, Valkey 9+), `auto` (atomic when every master offers it and --rate is not given)')
            [CompletionResult]::new('--window', '--window', [CompletionResultType]::ParameterName, 'Slots of one source in flight together (each protocol step pipelined for all of them); 1 moves one slot at a time like redis-cli')
            [CompletionResult]::new('-a', '-a', [CompletionResultType]::ParameterName, 'Password for every node (also from REDISCLI_AUTH)')
            [CompletionResult]::new('--pass', '--pass', [CompletionResultType]::ParameterName, 'Password for every node (also from REDISCLI_AUTH)')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'ACL user name (needs a password)')
            [CompletionResult]::new('--auth-file', '--auth-file', [CompletionResultType]::ParameterName, 'Read `user = NAME` and `password = SECRET` from a file only its owner can read (default: ~/.config/rcluster/auth, when it exists and no password is given otherwise)')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'CA certificate file to verify the nodes (with --tls)')
            [CompletionResult]::new('--cacertdir', '--cacertdir', [CompletionResultType]::ParameterName, 'Folder of CA certificates (with --tls)')
            [CompletionResult]::new('--cert', '--cert', [CompletionResultType]::ParameterName, 'Client certificate (with --tls and --key)')
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'Client private key (with --tls and --cert)')
            [CompletionResult]::new('--sni', '--sni', [CompletionResultType]::ParameterName, 'Server name to send in the TLS handshake')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'Bound on connecting to a node (and AUTH): `2s`, `500ms`, or milliseconds')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Bound on each reply from a node: `3s`, `500ms`, or milliseconds')
            [CompletionResult]::new('--events', '--events', [CompletionResultType]::ParameterName, 'Show progress, warnings and hints on stderr as text (default) or as one JSON object a line')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Move without asking')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Move without asking')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Show the plan and stop')
            [CompletionResult]::new('--replace', '--replace', [CompletionResultType]::ParameterName, 'Overwrite keys that already exist on the target (otherwise equal values are merged and different ones stop the move)')
            [CompletionResult]::new('--askpass', '--askpass', [CompletionResultType]::ParameterName, 'Read the password from the terminal without echo')
            [CompletionResult]::new('--tls', '--tls', [CompletionResultType]::ParameterName, 'Connect with TLS')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Do not verify the nodes'' certificates')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print the result as one JSON document on stdout (also on failure; see docs/json.md)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors and the final result')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors and the final result')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more: per-node and per-slot detail (-vv for even more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more: per-node and per-slot detail (-vv for even more)')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Never colour the output (also with NO_COLOR set, or when stdout is not a terminal)')
            [CompletionResult]::new('--redis-cli-compat', '--redis-cli-compat', [CompletionResultType]::ParameterName, 'Set when the command line was given in redis-cli syntax')
            [CompletionResult]::new('--no-auth-warning', '--no-auth-warning', [CompletionResultType]::ParameterName, 'Do not warn about a password given with -a or --pass')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'rcluster;fix' {
            [CompletionResult]::new('--journal', '--journal', [CompletionResultType]::ParameterName, 'The journal of an interrupted rcluster run to complete (default: the newest unfinished one for this cluster under ~/.local/state/rcluster/journals)')
            [CompletionResult]::new('--pipeline', '--pipeline', [CompletionResultType]::ParameterName, 'Keys per GETKEYSINSLOT / MIGRATE batch')
            [CompletionResult]::new('--migrate-timeout', '--migrate-timeout', [CompletionResultType]::ParameterName, 'MIGRATE''s timeout: `60s`, or milliseconds')
            [CompletionResult]::new('-a', '-a', [CompletionResultType]::ParameterName, 'Password for every node (also from REDISCLI_AUTH)')
            [CompletionResult]::new('--pass', '--pass', [CompletionResultType]::ParameterName, 'Password for every node (also from REDISCLI_AUTH)')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'ACL user name (needs a password)')
            [CompletionResult]::new('--auth-file', '--auth-file', [CompletionResultType]::ParameterName, 'Read `user = NAME` and `password = SECRET` from a file only its owner can read (default: ~/.config/rcluster/auth, when it exists and no password is given otherwise)')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'CA certificate file to verify the nodes (with --tls)')
            [CompletionResult]::new('--cacertdir', '--cacertdir', [CompletionResultType]::ParameterName, 'Folder of CA certificates (with --tls)')
            [CompletionResult]::new('--cert', '--cert', [CompletionResultType]::ParameterName, 'Client certificate (with --tls and --key)')
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'Client private key (with --tls and --cert)')
            [CompletionResult]::new('--sni', '--sni', [CompletionResultType]::ParameterName, 'Server name to send in the TLS handshake')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'Bound on connecting to a node (and AUTH): `2s`, `500ms`, or milliseconds')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Bound on each reply from a node: `3s`, `500ms`, or milliseconds')
            [CompletionResult]::new('--events', '--events', [CompletionResultType]::ParameterName, 'Show progress, warnings and hints on stderr as text (default) or as one JSON object a line')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Show the findings and the repair plan; change nothing')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Repair without asking')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Repair without asking')
            [CompletionResult]::new('--search-multiple-owners', '--search-multiple-owners', [CompletionResultType]::ParameterName, 'Also look for keys held by masters that do not own their slot, and repair those slots')
            [CompletionResult]::new('--fix-with-unreachable-masters', '--fix-with-unreachable-masters', [CompletionResultType]::ParameterName, 'Give the slots of unreachable masters to reachable ones (keys the unreachable masters hold in them are lost)')
            [CompletionResult]::new('--no-journal', '--no-journal', [CompletionResultType]::ParameterName, 'Ignore journals: decide from the cluster''s own state only')
            [CompletionResult]::new('--replace', '--replace', [CompletionResultType]::ParameterName, 'Overwrite keys that already exist on the new owner (otherwise equal values are merged and different ones stop that slot''s repair)')
            [CompletionResult]::new('--askpass', '--askpass', [CompletionResultType]::ParameterName, 'Read the password from the terminal without echo')
            [CompletionResult]::new('--tls', '--tls', [CompletionResultType]::ParameterName, 'Connect with TLS')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Do not verify the nodes'' certificates')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print the result as one JSON document on stdout (also on failure; see docs/json.md)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors and the final result')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors and the final result')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more: per-node and per-slot detail (-vv for even more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more: per-node and per-slot detail (-vv for even more)')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Never colour the output (also with NO_COLOR set, or when stdout is not a terminal)')
            [CompletionResult]::new('--redis-cli-compat', '--redis-cli-compat', [CompletionResultType]::ParameterName, 'Set when the command line was given in redis-cli syntax')
            [CompletionResult]::new('--no-auth-warning', '--no-auth-warning', [CompletionResultType]::ParameterName, 'Do not warn about a password given with -a or --pass')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'rcluster;backup' {
            [CompletionResult]::new('--snapshot-timeout', '--snapshot-timeout', [CompletionResultType]::ParameterName, 'Bound on each master''s snapshot (its BGSAVE and the transfer)')
            [CompletionResult]::new('-a', '-a', [CompletionResultType]::ParameterName, 'Password for every node (also from REDISCLI_AUTH)')
            [CompletionResult]::new('--pass', '--pass', [CompletionResultType]::ParameterName, 'Password for every node (also from REDISCLI_AUTH)')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'ACL user name (needs a password)')
            [CompletionResult]::new('--auth-file', '--auth-file', [CompletionResultType]::ParameterName, 'Read `user = NAME` and `password = SECRET` from a file only its owner can read (default: ~/.config/rcluster/auth, when it exists and no password is given otherwise)')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'CA certificate file to verify the nodes (with --tls)')
            [CompletionResult]::new('--cacertdir', '--cacertdir', [CompletionResultType]::ParameterName, 'Folder of CA certificates (with --tls)')
            [CompletionResult]::new('--cert', '--cert', [CompletionResultType]::ParameterName, 'Client certificate (with --tls and --key)')
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'Client private key (with --tls and --cert)')
            [CompletionResult]::new('--sni', '--sni', [CompletionResultType]::ParameterName, 'Server name to send in the TLS handshake')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'Bound on connecting to a node (and AUTH): `2s`, `500ms`, or milliseconds')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Bound on each reply from a node: `3s`, `500ms`, or milliseconds')
            [CompletionResult]::new('--events', '--events', [CompletionResultType]::ParameterName, 'Show progress, warnings and hints on stderr as text (default) or as one JSON object a line')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Write into a folder that already holds files (redis-cli syntax always does)')
            [CompletionResult]::new('--askpass', '--askpass', [CompletionResultType]::ParameterName, 'Read the password from the terminal without echo')
            [CompletionResult]::new('--tls', '--tls', [CompletionResultType]::ParameterName, 'Connect with TLS')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Do not verify the nodes'' certificates')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print the result as one JSON document on stdout (also on failure; see docs/json.md)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors and the final result')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors and the final result')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more: per-node and per-slot detail (-vv for even more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more: per-node and per-slot detail (-vv for even more)')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Never colour the output (also with NO_COLOR set, or when stdout is not a terminal)')
            [CompletionResult]::new('--redis-cli-compat', '--redis-cli-compat', [CompletionResultType]::ParameterName, 'Set when the command line was given in redis-cli syntax')
            [CompletionResult]::new('--no-auth-warning', '--no-auth-warning', [CompletionResultType]::ParameterName, 'Do not warn about a password given with -a or --pass')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'rcluster;restore' {
            [CompletionResult]::new('--server-bin', '--server-bin', [CompletionResultType]::ParameterName, 'The server binary that loads every RDB (default: redis-server, or valkey-server for a Valkey RDB)')
            [CompletionResult]::new('--load-timeout', '--load-timeout', [CompletionResultType]::ParameterName, 'Bound on loading each RDB')
            [CompletionResult]::new('--migrate-timeout', '--migrate-timeout', [CompletionResultType]::ParameterName, 'MIGRATE''s timeout: `60s`, or milliseconds')
            [CompletionResult]::new('-a', '-a', [CompletionResultType]::ParameterName, 'Password for every node (also from REDISCLI_AUTH)')
            [CompletionResult]::new('--pass', '--pass', [CompletionResultType]::ParameterName, 'Password for every node (also from REDISCLI_AUTH)')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'ACL user name (needs a password)')
            [CompletionResult]::new('--auth-file', '--auth-file', [CompletionResultType]::ParameterName, 'Read `user = NAME` and `password = SECRET` from a file only its owner can read (default: ~/.config/rcluster/auth, when it exists and no password is given otherwise)')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'CA certificate file to verify the nodes (with --tls)')
            [CompletionResult]::new('--cacertdir', '--cacertdir', [CompletionResultType]::ParameterName, 'Folder of CA certificates (with --tls)')
            [CompletionResult]::new('--cert', '--cert', [CompletionResultType]::ParameterName, 'Client certificate (with --tls and --key)')
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'Client private key (with --tls and --cert)')
            [CompletionResult]::new('--sni', '--sni', [CompletionResultType]::ParameterName, 'Server name to send in the TLS handshake')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'Bound on connecting to a node (and AUTH): `2s`, `500ms`, or milliseconds')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Bound on each reply from a node: `3s`, `500ms`, or milliseconds')
            [CompletionResult]::new('--events', '--events', [CompletionResultType]::ParameterName, 'Show progress, warnings and hints on stderr as text (default) or as one JSON object a line')
            [CompletionResult]::new('--replace', '--replace', [CompletionResultType]::ParameterName, 'Overwrite keys the cluster already holds')
            [CompletionResult]::new('--askpass', '--askpass', [CompletionResultType]::ParameterName, 'Read the password from the terminal without echo')
            [CompletionResult]::new('--tls', '--tls', [CompletionResultType]::ParameterName, 'Connect with TLS')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Do not verify the nodes'' certificates')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print the result as one JSON document on stdout (also on failure; see docs/json.md)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors and the final result')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors and the final result')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more: per-node and per-slot detail (-vv for even more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more: per-node and per-slot detail (-vv for even more)')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Never colour the output (also with NO_COLOR set, or when stdout is not a terminal)')
            [CompletionResult]::new('--redis-cli-compat', '--redis-cli-compat', [CompletionResultType]::ParameterName, 'Set when the command line was given in redis-cli syntax')
            [CompletionResult]::new('--no-auth-warning', '--no-auth-warning', [CompletionResultType]::ParameterName, 'Do not warn about a password given with -a or --pass')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'rcluster;import' {
            [CompletionResult]::new('--from', '--from', [CompletionResultType]::ParameterName, 'The standalone server to import from (HOST:PORT; db 0)')
            [CompletionResult]::new('--from-user', '--from-user', [CompletionResultType]::ParameterName, 'The source''s ACL user')
            [CompletionResult]::new('--from-pass', '--from-pass', [CompletionResultType]::ParameterName, 'The source''s password')
            [CompletionResult]::new('--migrate-timeout', '--migrate-timeout', [CompletionResultType]::ParameterName, 'MIGRATE''s timeout: `60s`, or milliseconds')
            [CompletionResult]::new('-a', '-a', [CompletionResultType]::ParameterName, 'Password for every node (also from REDISCLI_AUTH)')
            [CompletionResult]::new('--pass', '--pass', [CompletionResultType]::ParameterName, 'Password for every node (also from REDISCLI_AUTH)')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'ACL user name (needs a password)')
            [CompletionResult]::new('--auth-file', '--auth-file', [CompletionResultType]::ParameterName, 'Read `user = NAME` and `password = SECRET` from a file only its owner can read (default: ~/.config/rcluster/auth, when it exists and no password is given otherwise)')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'CA certificate file to verify the nodes (with --tls)')
            [CompletionResult]::new('--cacertdir', '--cacertdir', [CompletionResultType]::ParameterName, 'Folder of CA certificates (with --tls)')
            [CompletionResult]::new('--cert', '--cert', [CompletionResultType]::ParameterName, 'Client certificate (with --tls and --key)')
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'Client private key (with --tls and --cert)')
            [CompletionResult]::new('--sni', '--sni', [CompletionResultType]::ParameterName, 'Server name to send in the TLS handshake')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'Bound on connecting to a node (and AUTH): `2s`, `500ms`, or milliseconds')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Bound on each reply from a node: `3s`, `500ms`, or milliseconds')
            [CompletionResult]::new('--events', '--events', [CompletionResultType]::ParameterName, 'Show progress, warnings and hints on stderr as text (default) or as one JSON object a line')
            [CompletionResult]::new('--from-askpass', '--from-askpass', [CompletionResultType]::ParameterName, 'Read the source''s password from the terminal')
            [CompletionResult]::new('--copy', '--copy', [CompletionResultType]::ParameterName, 'Copy: leave the keys on the source too')
            [CompletionResult]::new('--replace', '--replace', [CompletionResultType]::ParameterName, 'Overwrite keys that already exist in the cluster')
            [CompletionResult]::new('--askpass', '--askpass', [CompletionResultType]::ParameterName, 'Read the password from the terminal without echo')
            [CompletionResult]::new('--tls', '--tls', [CompletionResultType]::ParameterName, 'Connect with TLS')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Do not verify the nodes'' certificates')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print the result as one JSON document on stdout (also on failure; see docs/json.md)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors and the final result')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors and the final result')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more: per-node and per-slot detail (-vv for even more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more: per-node and per-slot detail (-vv for even more)')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Never colour the output (also with NO_COLOR set, or when stdout is not a terminal)')
            [CompletionResult]::new('--redis-cli-compat', '--redis-cli-compat', [CompletionResultType]::ParameterName, 'Set when the command line was given in redis-cli syntax')
            [CompletionResult]::new('--no-auth-warning', '--no-auth-warning', [CompletionResultType]::ParameterName, 'Do not warn about a password given with -a or --pass')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'rcluster;resume' {
            [CompletionResult]::new('--rate', '--rate', [CompletionResultType]::ParameterName, 'Throttle: at most this many keys per second over all sources')
            [CompletionResult]::new('--pipeline', '--pipeline', [CompletionResultType]::ParameterName, 'Keys per GETKEYSINSLOT / MIGRATE batch')
            [CompletionResult]::new('--migrate-timeout', '--migrate-timeout', [CompletionResultType]::ParameterName, 'MIGRATE''s timeout: `60s`, or milliseconds')
            [CompletionResult]::new('--parallel', '--parallel', [CompletionResultType]::ParameterName, 'Sources moving slots at once')
            [CompletionResult]::new('--migration', '--migration', [CompletionResultType]::ParameterName, 'How slots move: `legacy` (per-slot MIGRATE, every server), `atomic` (server-side CLUSTER MIGRATESLOTS, Valkey 9+), `auto` (atomic when every master offers it and --rate is not given)')
            [CompletionResult]::new('--window', '--window', [CompletionResultType]::ParameterName, 'Slots of one source in flight together (each protocol step pipelined for all of them); 1 moves one slot at a time like redis-cli')
            [CompletionResult]::new('--plan-out', '--plan-out', [CompletionResultType]::ParameterName, 'Also write the plan to this file (JSON, with a fingerprint of the topology) for `rcluster apply`')
            [CompletionResult]::new('--journal', '--journal', [CompletionResultType]::ParameterName, 'The journal of the run to finish (default: the newest unfinished run of this cluster, from ~/.local/state/rcluster/journals)')
            [CompletionResult]::new('-a', '-a', [CompletionResultType]::ParameterName, 'Password for every node (also from REDISCLI_AUTH)')
            [CompletionResult]::new('--pass', '--pass', [CompletionResultType]::ParameterName, 'Password for every node (also from REDISCLI_AUTH)')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'ACL user name (needs a password)')
            [CompletionResult]::new('--auth-file', '--auth-file', [CompletionResultType]::ParameterName, 'Read `user = NAME` and `password = SECRET` from a file only its owner can read (default: ~/.config/rcluster/auth, when it exists and no password is given otherwise)')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'CA certificate file to verify the nodes (with --tls)')
            [CompletionResult]::new('--cacertdir', '--cacertdir', [CompletionResultType]::ParameterName, 'Folder of CA certificates (with --tls)')
            [CompletionResult]::new('--cert', '--cert', [CompletionResultType]::ParameterName, 'Client certificate (with --tls and --key)')
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'Client private key (with --tls and --cert)')
            [CompletionResult]::new('--sni', '--sni', [CompletionResultType]::ParameterName, 'Server name to send in the TLS handshake')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'Bound on connecting to a node (and AUTH): `2s`, `500ms`, or milliseconds')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Bound on each reply from a node: `3s`, `500ms`, or milliseconds')
            [CompletionResult]::new('--events', '--events', [CompletionResultType]::ParameterName, 'Show progress, warnings and hints on stderr as text (default) or as one JSON object a line')
            [CompletionResult]::new('--replace', '--replace', [CompletionResultType]::ParameterName, 'Overwrite keys that already exist on the target (otherwise equal values are merged and different ones stop the move)')
            [CompletionResult]::new('--askpass', '--askpass', [CompletionResultType]::ParameterName, 'Read the password from the terminal without echo')
            [CompletionResult]::new('--tls', '--tls', [CompletionResultType]::ParameterName, 'Connect with TLS')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Do not verify the nodes'' certificates')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print the result as one JSON document on stdout (also on failure; see docs/json.md)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors and the final result')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors and the final result')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more: per-node and per-slot detail (-vv for even more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more: per-node and per-slot detail (-vv for even more)')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Never colour the output (also with NO_COLOR set, or when stdout is not a terminal)')
            [CompletionResult]::new('--redis-cli-compat', '--redis-cli-compat', [CompletionResultType]::ParameterName, 'Set when the command line was given in redis-cli syntax')
            [CompletionResult]::new('--no-auth-warning', '--no-auth-warning', [CompletionResultType]::ParameterName, 'Do not warn about a password given with -a or --pass')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'rcluster;setslot' {
            [CompletionResult]::new('-a', '-a', [CompletionResultType]::ParameterName, 'Password for every node (also from REDISCLI_AUTH)')
            [CompletionResult]::new('--pass', '--pass', [CompletionResultType]::ParameterName, 'Password for every node (also from REDISCLI_AUTH)')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'ACL user name (needs a password)')
            [CompletionResult]::new('--auth-file', '--auth-file', [CompletionResultType]::ParameterName, 'Read `user = NAME` and `password = SECRET` from a file only its owner can read (default: ~/.config/rcluster/auth, when it exists and no password is given otherwise)')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'CA certificate file to verify the nodes (with --tls)')
            [CompletionResult]::new('--cacertdir', '--cacertdir', [CompletionResultType]::ParameterName, 'Folder of CA certificates (with --tls)')
            [CompletionResult]::new('--cert', '--cert', [CompletionResultType]::ParameterName, 'Client certificate (with --tls and --key)')
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'Client private key (with --tls and --cert)')
            [CompletionResult]::new('--sni', '--sni', [CompletionResultType]::ParameterName, 'Server name to send in the TLS handshake')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'Bound on connecting to a node (and AUTH): `2s`, `500ms`, or milliseconds')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Bound on each reply from a node: `3s`, `500ms`, or milliseconds')
            [CompletionResult]::new('--events', '--events', [CompletionResultType]::ParameterName, 'Show progress, warnings and hints on stderr as text (default) or as one JSON object a line')
            [CompletionResult]::new('--askpass', '--askpass', [CompletionResultType]::ParameterName, 'Read the password from the terminal without echo')
            [CompletionResult]::new('--tls', '--tls', [CompletionResultType]::ParameterName, 'Connect with TLS')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Do not verify the nodes'' certificates')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print the result as one JSON document on stdout (also on failure; see docs/json.md)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors and the final result')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors and the final result')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more: per-node and per-slot detail (-vv for even more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more: per-node and per-slot detail (-vv for even more)')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Never colour the output (also with NO_COLOR set, or when stdout is not a terminal)')
            [CompletionResult]::new('--redis-cli-compat', '--redis-cli-compat', [CompletionResultType]::ParameterName, 'Set when the command line was given in redis-cli syntax')
            [CompletionResult]::new('--no-auth-warning', '--no-auth-warning', [CompletionResultType]::ParameterName, 'Do not warn about a password given with -a or --pass')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'rcluster;local' {
            [CompletionResult]::new('-a', '-a', [CompletionResultType]::ParameterName, 'Password for every node (also from REDISCLI_AUTH)')
            [CompletionResult]::new('--pass', '--pass', [CompletionResultType]::ParameterName, 'Password for every node (also from REDISCLI_AUTH)')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'ACL user name (needs a password)')
            [CompletionResult]::new('--auth-file', '--auth-file', [CompletionResultType]::ParameterName, 'Read `user = NAME` and `password = SECRET` from a file only its owner can read (default: ~/.config/rcluster/auth, when it exists and no password is given otherwise)')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'CA certificate file to verify the nodes (with --tls)')
            [CompletionResult]::new('--cacertdir', '--cacertdir', [CompletionResultType]::ParameterName, 'Folder of CA certificates (with --tls)')
            [CompletionResult]::new('--cert', '--cert', [CompletionResultType]::ParameterName, 'Client certificate (with --tls and --key)')
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'Client private key (with --tls and --cert)')
            [CompletionResult]::new('--sni', '--sni', [CompletionResultType]::ParameterName, 'Server name to send in the TLS handshake')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'Bound on connecting to a node (and AUTH): `2s`, `500ms`, or milliseconds')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Bound on each reply from a node: `3s`, `500ms`, or milliseconds')
            [CompletionResult]::new('--events', '--events', [CompletionResultType]::ParameterName, 'Show progress, warnings and hints on stderr as text (default) or as one JSON object a line')
            [CompletionResult]::new('--askpass', '--askpass', [CompletionResultType]::ParameterName, 'Read the password from the terminal without echo')
            [CompletionResult]::new('--tls', '--tls', [CompletionResultType]::ParameterName, 'Connect with TLS')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Do not verify the nodes'' certificates')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print the result as one JSON document on stdout (also on failure; see docs/json.md)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors and the final result')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors and the final result')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more: per-node and per-slot detail (-vv for even more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more: per-node and per-slot detail (-vv for even more)')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Never colour the output (also with NO_COLOR set, or when stdout is not a terminal)')
            [CompletionResult]::new('--redis-cli-compat', '--redis-cli-compat', [CompletionResultType]::ParameterName, 'Set when the command line was given in redis-cli syntax')
            [CompletionResult]::new('--no-auth-warning', '--no-auth-warning', [CompletionResultType]::ParameterName, 'Do not warn about a password given with -a or --pass')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('up', 'up', [CompletionResultType]::ParameterValue, 'Start nodes on 127.0.0.1, form a cluster, wait until it is healthy, print the seed address')
            [CompletionResult]::new('down', 'down', [CompletionResultType]::ParameterValue, 'Stop the nodes `up` started (by their pid files) and nothing else')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'List the nodes `up` started and whether they run')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'rcluster;local;up' {
            [CompletionResult]::new('--masters', '--masters', [CompletionResultType]::ParameterName, 'Number of masters')
            [CompletionResult]::new('--replicas', '--replicas', [CompletionResultType]::ParameterName, 'Replicas per master')
            [CompletionResult]::new('--port', '--port', [CompletionResultType]::ParameterName, 'First port (the nodes use consecutive ports; bus ports are +10000)')
            [CompletionResult]::new('--server-bin', '--server-bin', [CompletionResultType]::ParameterName, 'Server binary, e.g. valkey-server or a path')
            [CompletionResult]::new('--node-timeout', '--node-timeout', [CompletionResultType]::ParameterName, 'cluster-node-timeout of every node, in milliseconds')
            [CompletionResult]::new('--state-dir', '--state-dir', [CompletionResultType]::ParameterName, 'Folder for the nodes'' files and pid files')
            [CompletionResult]::new('-a', '-a', [CompletionResultType]::ParameterName, 'Password for every node (also from REDISCLI_AUTH)')
            [CompletionResult]::new('--pass', '--pass', [CompletionResultType]::ParameterName, 'Password for every node (also from REDISCLI_AUTH)')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'ACL user name (needs a password)')
            [CompletionResult]::new('--auth-file', '--auth-file', [CompletionResultType]::ParameterName, 'Read `user = NAME` and `password = SECRET` from a file only its owner can read (default: ~/.config/rcluster/auth, when it exists and no password is given otherwise)')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'CA certificate file to verify the nodes (with --tls)')
            [CompletionResult]::new('--cacertdir', '--cacertdir', [CompletionResultType]::ParameterName, 'Folder of CA certificates (with --tls)')
            [CompletionResult]::new('--cert', '--cert', [CompletionResultType]::ParameterName, 'Client certificate (with --tls and --key)')
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'Client private key (with --tls and --cert)')
            [CompletionResult]::new('--sni', '--sni', [CompletionResultType]::ParameterName, 'Server name to send in the TLS handshake')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'Bound on connecting to a node (and AUTH): `2s`, `500ms`, or milliseconds')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Bound on each reply from a node: `3s`, `500ms`, or milliseconds')
            [CompletionResult]::new('--events', '--events', [CompletionResultType]::ParameterName, 'Show progress, warnings and hints on stderr as text (default) or as one JSON object a line')
            [CompletionResult]::new('--no-create', '--no-create', [CompletionResultType]::ParameterName, 'Start empty cluster-mode nodes and do not form a cluster (to try `create`)')
            [CompletionResult]::new('--askpass', '--askpass', [CompletionResultType]::ParameterName, 'Read the password from the terminal without echo')
            [CompletionResult]::new('--tls', '--tls', [CompletionResultType]::ParameterName, 'Connect with TLS')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Do not verify the nodes'' certificates')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print the result as one JSON document on stdout (also on failure; see docs/json.md)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors and the final result')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors and the final result')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more: per-node and per-slot detail (-vv for even more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more: per-node and per-slot detail (-vv for even more)')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Never colour the output (also with NO_COLOR set, or when stdout is not a terminal)')
            [CompletionResult]::new('--redis-cli-compat', '--redis-cli-compat', [CompletionResultType]::ParameterName, 'Set when the command line was given in redis-cli syntax')
            [CompletionResult]::new('--no-auth-warning', '--no-auth-warning', [CompletionResultType]::ParameterName, 'Do not warn about a password given with -a or --pass')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'rcluster;local;down' {
            [CompletionResult]::new('--state-dir', '--state-dir', [CompletionResultType]::ParameterName, 'The folder `up` used (default: the same default as `up`)')
            [CompletionResult]::new('-a', '-a', [CompletionResultType]::ParameterName, 'Password for every node (also from REDISCLI_AUTH)')
            [CompletionResult]::new('--pass', '--pass', [CompletionResultType]::ParameterName, 'Password for every node (also from REDISCLI_AUTH)')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'ACL user name (needs a password)')
            [CompletionResult]::new('--auth-file', '--auth-file', [CompletionResultType]::ParameterName, 'Read `user = NAME` and `password = SECRET` from a file only its owner can read (default: ~/.config/rcluster/auth, when it exists and no password is given otherwise)')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'CA certificate file to verify the nodes (with --tls)')
            [CompletionResult]::new('--cacertdir', '--cacertdir', [CompletionResultType]::ParameterName, 'Folder of CA certificates (with --tls)')
            [CompletionResult]::new('--cert', '--cert', [CompletionResultType]::ParameterName, 'Client certificate (with --tls and --key)')
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'Client private key (with --tls and --cert)')
            [CompletionResult]::new('--sni', '--sni', [CompletionResultType]::ParameterName, 'Server name to send in the TLS handshake')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'Bound on connecting to a node (and AUTH): `2s`, `500ms`, or milliseconds')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Bound on each reply from a node: `3s`, `500ms`, or milliseconds')
            [CompletionResult]::new('--events', '--events', [CompletionResultType]::ParameterName, 'Show progress, warnings and hints on stderr as text (default) or as one JSON object a line')
            [CompletionResult]::new('--askpass', '--askpass', [CompletionResultType]::ParameterName, 'Read the password from the terminal without echo')
            [CompletionResult]::new('--tls', '--tls', [CompletionResultType]::ParameterName, 'Connect with TLS')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Do not verify the nodes'' certificates')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print the result as one JSON document on stdout (also on failure; see docs/json.md)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors and the final result')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors and the final result')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more: per-node and per-slot detail (-vv for even more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more: per-node and per-slot detail (-vv for even more)')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Never colour the output (also with NO_COLOR set, or when stdout is not a terminal)')
            [CompletionResult]::new('--redis-cli-compat', '--redis-cli-compat', [CompletionResultType]::ParameterName, 'Set when the command line was given in redis-cli syntax')
            [CompletionResult]::new('--no-auth-warning', '--no-auth-warning', [CompletionResultType]::ParameterName, 'Do not warn about a password given with -a or --pass')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'rcluster;local;status' {
            [CompletionResult]::new('--state-dir', '--state-dir', [CompletionResultType]::ParameterName, 'The folder `up` used (default: the same default as `up`)')
            [CompletionResult]::new('-a', '-a', [CompletionResultType]::ParameterName, 'Password for every node (also from REDISCLI_AUTH)')
            [CompletionResult]::new('--pass', '--pass', [CompletionResultType]::ParameterName, 'Password for every node (also from REDISCLI_AUTH)')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'ACL user name (needs a password)')
            [CompletionResult]::new('--auth-file', '--auth-file', [CompletionResultType]::ParameterName, 'Read `user = NAME` and `password = SECRET` from a file only its owner can read (default: ~/.config/rcluster/auth, when it exists and no password is given otherwise)')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'CA certificate file to verify the nodes (with --tls)')
            [CompletionResult]::new('--cacertdir', '--cacertdir', [CompletionResultType]::ParameterName, 'Folder of CA certificates (with --tls)')
            [CompletionResult]::new('--cert', '--cert', [CompletionResultType]::ParameterName, 'Client certificate (with --tls and --key)')
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'Client private key (with --tls and --cert)')
            [CompletionResult]::new('--sni', '--sni', [CompletionResultType]::ParameterName, 'Server name to send in the TLS handshake')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'Bound on connecting to a node (and AUTH): `2s`, `500ms`, or milliseconds')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Bound on each reply from a node: `3s`, `500ms`, or milliseconds')
            [CompletionResult]::new('--events', '--events', [CompletionResultType]::ParameterName, 'Show progress, warnings and hints on stderr as text (default) or as one JSON object a line')
            [CompletionResult]::new('--askpass', '--askpass', [CompletionResultType]::ParameterName, 'Read the password from the terminal without echo')
            [CompletionResult]::new('--tls', '--tls', [CompletionResultType]::ParameterName, 'Connect with TLS')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Do not verify the nodes'' certificates')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print the result as one JSON document on stdout (also on failure; see docs/json.md)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors and the final result')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors and the final result')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more: per-node and per-slot detail (-vv for even more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more: per-node and per-slot detail (-vv for even more)')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Never colour the output (also with NO_COLOR set, or when stdout is not a terminal)')
            [CompletionResult]::new('--redis-cli-compat', '--redis-cli-compat', [CompletionResultType]::ParameterName, 'Set when the command line was given in redis-cli syntax')
            [CompletionResult]::new('--no-auth-warning', '--no-auth-warning', [CompletionResultType]::ParameterName, 'Do not warn about a password given with -a or --pass')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'rcluster;local;help' {
            [CompletionResult]::new('up', 'up', [CompletionResultType]::ParameterValue, 'Start nodes on 127.0.0.1, form a cluster, wait until it is healthy, print the seed address')
            [CompletionResult]::new('down', 'down', [CompletionResultType]::ParameterValue, 'Stop the nodes `up` started (by their pid files) and nothing else')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'List the nodes `up` started and whether they run')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'rcluster;local;help;up' {
            break
        }
        'rcluster;local;help;down' {
            break
        }
        'rcluster;local;help;status' {
            break
        }
        'rcluster;local;help;help' {
            break
        }
        'rcluster;completions' {
            [CompletionResult]::new('-a', '-a', [CompletionResultType]::ParameterName, 'Password for every node (also from REDISCLI_AUTH)')
            [CompletionResult]::new('--pass', '--pass', [CompletionResultType]::ParameterName, 'Password for every node (also from REDISCLI_AUTH)')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'ACL user name (needs a password)')
            [CompletionResult]::new('--auth-file', '--auth-file', [CompletionResultType]::ParameterName, 'Read `user = NAME` and `password = SECRET` from a file only its owner can read (default: ~/.config/rcluster/auth, when it exists and no password is given otherwise)')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'CA certificate file to verify the nodes (with --tls)')
            [CompletionResult]::new('--cacertdir', '--cacertdir', [CompletionResultType]::ParameterName, 'Folder of CA certificates (with --tls)')
            [CompletionResult]::new('--cert', '--cert', [CompletionResultType]::ParameterName, 'Client certificate (with --tls and --key)')
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'Client private key (with --tls and --cert)')
            [CompletionResult]::new('--sni', '--sni', [CompletionResultType]::ParameterName, 'Server name to send in the TLS handshake')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'Bound on connecting to a node (and AUTH): `2s`, `500ms`, or milliseconds')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Bound on each reply from a node: `3s`, `500ms`, or milliseconds')
            [CompletionResult]::new('--events', '--events', [CompletionResultType]::ParameterName, 'Show progress, warnings and hints on stderr as text (default) or as one JSON object a line')
            [CompletionResult]::new('--askpass', '--askpass', [CompletionResultType]::ParameterName, 'Read the password from the terminal without echo')
            [CompletionResult]::new('--tls', '--tls', [CompletionResultType]::ParameterName, 'Connect with TLS')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Do not verify the nodes'' certificates')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print the result as one JSON document on stdout (also on failure; see docs/json.md)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors and the final result')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors and the final result')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more: per-node and per-slot detail (-vv for even more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more: per-node and per-slot detail (-vv for even more)')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Never colour the output (also with NO_COLOR set, or when stdout is not a terminal)')
            [CompletionResult]::new('--redis-cli-compat', '--redis-cli-compat', [CompletionResultType]::ParameterName, 'Set when the command line was given in redis-cli syntax')
            [CompletionResult]::new('--no-auth-warning', '--no-auth-warning', [CompletionResultType]::ParameterName, 'Do not warn about a password given with -a or --pass')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'rcluster;help' {
            [CompletionResult]::new('create', 'create', [CompletionResultType]::ParameterValue, 'Form a new cluster from empty nodes, with zone-aware replica placement')
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'Check the cluster: slot agreement, open slots, coverage, node health, replica placement')
            [CompletionResult]::new('doctor', 'doctor', [CompletionResultType]::ParameterValue, 'Check, then explain every finding (what it means, why it happens) and the commands that fix it')
            [CompletionResult]::new('info', 'info', [CompletionResultType]::ParameterValue, 'Keys, slots and replicas per master')
            [CompletionResult]::new('add-node', 'add-node', [CompletionResultType]::ParameterValue, 'Add an empty node as a master or, with --replica, as a replica')
            [CompletionResult]::new('del-node', 'del-node', [CompletionResultType]::ParameterValue, 'Remove a node that owns no slots (also a dead or unreachable one)')
            [CompletionResult]::new('call', 'call', [CompletionResultType]::ParameterValue, 'Run a command on every node (or only masters / replicas) at once')
            [CompletionResult]::new('set-timeout', 'set-timeout', [CompletionResultType]::ParameterValue, 'Set cluster-node-timeout on every node (CONFIG SET + CONFIG REWRITE)')
            [CompletionResult]::new('apply', 'apply', [CompletionResultType]::ParameterValue, 'Carry out a plan file written by reshard/rebalance --plan-out, if the cluster has not changed')
            [CompletionResult]::new('rebalance', 'rebalance', [CompletionResultType]::ParameterValue, 'Give every master its weighted share of the slots (weight 0 empties a master)')
            [CompletionResult]::new('reshard', 'reshard', [CompletionResultType]::ParameterValue, 'Move slots to a master from others (exactly the number asked for, several sources at once)')
            [CompletionResult]::new('fix', 'fix', [CompletionResultType]::ParameterValue, 'Repair open, uncovered and multiply-owned slots: shows the plan and why, then carries it out')
            [CompletionResult]::new('backup', 'backup', [CompletionResultType]::ParameterValue, 'Save every master''s RDB (SYNC, all at once) and nodes.json into a folder')
            [CompletionResult]::new('restore', 'restore', [CompletionResultType]::ParameterValue, 'Restore a backup into a running cluster of any shape (verified against its manifest first)')
            [CompletionResult]::new('import', 'import', [CompletionResultType]::ParameterValue, 'Move every key of a standalone server (db 0) into the cluster, batched per owner')
            [CompletionResult]::new('resume', 'resume', [CompletionResultType]::ParameterValue, 'Finish an interrupted reshard, rebalance or apply forward, from its journal')
            [CompletionResult]::new('setslot', 'setslot', [CompletionResultType]::ParameterValue, 'Low-level CLUSTER SETSLOT on one node')
            [CompletionResult]::new('local', 'local', [CompletionResultType]::ParameterValue, 'A throwaway cluster on this machine')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'rcluster;help;create' {
            break
        }
        'rcluster;help;check' {
            break
        }
        'rcluster;help;doctor' {
            break
        }
        'rcluster;help;info' {
            break
        }
        'rcluster;help;add-node' {
            break
        }
        'rcluster;help;del-node' {
            break
        }
        'rcluster;help;call' {
            break
        }
        'rcluster;help;set-timeout' {
            break
        }
        'rcluster;help;apply' {
            break
        }
        'rcluster;help;rebalance' {
            break
        }
        'rcluster;help;reshard' {
            break
        }
        'rcluster;help;fix' {
            break
        }
        'rcluster;help;backup' {
            break
        }
        'rcluster;help;restore' {
            break
        }
        'rcluster;help;import' {
            break
        }
        'rcluster;help;resume' {
            break
        }
        'rcluster;help;setslot' {
            break
        }
        'rcluster;help;local' {
            [CompletionResult]::new('up', 'up', [CompletionResultType]::ParameterValue, 'Start nodes on 127.0.0.1, form a cluster, wait until it is healthy, print the seed address')
            [CompletionResult]::new('down', 'down', [CompletionResultType]::ParameterValue, 'Stop the nodes `up` started (by their pid files) and nothing else')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'List the nodes `up` started and whether they run')
            break
        }
        'rcluster;help;local;up' {
            break
        }
        'rcluster;help;local;down' {
            break
        }
        'rcluster;help;local;status' {
            break
        }
        'rcluster;help;completions' {
            break
        }
        'rcluster;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
