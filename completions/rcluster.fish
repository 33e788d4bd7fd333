# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_rcluster_global_optspecs
    string join \n a/pass= user= askpass auth-file= tls cacert= cacertdir= cert= key= sni= insecure connect-timeout= timeout= json events= q/quiet v/verbose no-color redis-cli-compat no-auth-warning h/help V/version
end

function __fish_rcluster_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_rcluster_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_rcluster_using_subcommand
    set -l cmd (__fish_rcluster_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c rcluster -n "__fish_rcluster_needs_command" -s a -l pass -d 'Password for every node (also from REDISCLI_AUTH)' -r
complete -c rcluster -n "__fish_rcluster_needs_command" -l user -d 'ACL user name (needs a password)' -r
complete -c rcluster -n "__fish_rcluster_needs_command" -l auth-file -d 'Read `user = NAME` and `password = SECRET` from a file only its owner can read (default: ~/.config/rcluster/auth, when it exists and no password is given otherwise)' -r -F
complete -c rcluster -n "__fish_rcluster_needs_command" -l cacert -d 'CA certificate file to verify the nodes (with --tls)' -r -F
complete -c rcluster -n "__fish_rcluster_needs_command" -l cacertdir -d 'Folder of CA certificates (with --tls)' -r -F
complete -c rcluster -n "__fish_rcluster_needs_command" -l cert -d 'Client certificate (with --tls and --key)' -r -F
complete -c rcluster -n "__fish_rcluster_needs_command" -l key -d 'Client private key (with --tls and --cert)' -r -F
complete -c rcluster -n "__fish_rcluster_needs_command" -l sni -d 'Server name to send in the TLS handshake' -r
complete -c rcluster -n "__fish_rcluster_needs_command" -l connect-timeout -d 'Bound on connecting to a node (and AUTH): `2s`, `500ms`, or milliseconds' -r
complete -c rcluster -n "__fish_rcluster_needs_command" -l timeout -d 'Bound on each reply from a node: `3s`, `500ms`, or milliseconds' -r
complete -c rcluster -n "__fish_rcluster_needs_command" -l events -d 'Show progress, warnings and hints on stderr as text (default) or as one JSON object a line' -r -f -a "text\t'Text for a person (a progress bar on a terminal)'
json\t'One JSON object per line (NDJSON)'"
complete -c rcluster -n "__fish_rcluster_needs_command" -l askpass -d 'Read the password from the terminal without echo'
complete -c rcluster -n "__fish_rcluster_needs_command" -l tls -d 'Connect with TLS (certificates: see --help)'
complete -c rcluster -n "__fish_rcluster_needs_command" -l insecure -d 'Do not verify the nodes\' certificates'
complete -c rcluster -n "__fish_rcluster_needs_command" -l json -d 'Print the result as one JSON document on stdout (also on failure; see docs/json.md)'
complete -c rcluster -n "__fish_rcluster_needs_command" -s q -l quiet -d 'Print only errors and the final result'
complete -c rcluster -n "__fish_rcluster_needs_command" -s v -l verbose -d 'Print more: per-node and per-slot detail (-vv for even more)'
complete -c rcluster -n "__fish_rcluster_needs_command" -l no-color -d 'Never colour the output (also with NO_COLOR set, or when stdout is not a terminal)'
complete -c rcluster -n "__fish_rcluster_needs_command" -l redis-cli-compat -d 'Set when the command line was given in redis-cli syntax'
complete -c rcluster -n "__fish_rcluster_needs_command" -l no-auth-warning -d 'Do not warn about a password given with -a or --pass'
complete -c rcluster -n "__fish_rcluster_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rcluster -n "__fish_rcluster_needs_command" -s V -l version -d 'Print version'
complete -c rcluster -n "__fish_rcluster_needs_command" -f -a "create" -d 'Form a new cluster from empty nodes, with zone-aware replica placement'
complete -c rcluster -n "__fish_rcluster_needs_command" -f -a "check" -d 'Check the cluster: slot agreement, open slots, coverage, node health, replica placement'
complete -c rcluster -n "__fish_rcluster_needs_command" -f -a "doctor" -d 'Check, then explain every finding (what it means, why it happens) and the commands that fix it'
complete -c rcluster -n "__fish_rcluster_needs_command" -f -a "info" -d 'Keys, slots and replicas per master'
complete -c rcluster -n "__fish_rcluster_needs_command" -f -a "add-node" -d 'Add an empty node as a master or, with --replica, as a replica'
complete -c rcluster -n "__fish_rcluster_needs_command" -f -a "del-node" -d 'Remove a node that owns no slots (also a dead or unreachable one)'
complete -c rcluster -n "__fish_rcluster_needs_command" -f -a "call" -d 'Run a command on every node (or only masters / replicas) at once'
complete -c rcluster -n "__fish_rcluster_needs_command" -f -a "set-timeout" -d 'Set cluster-node-timeout on every node (CONFIG SET + CONFIG REWRITE)'
complete -c rcluster -n "__fish_rcluster_needs_command" -f -a "apply" -d 'Carry out a plan file written by reshard/rebalance --plan-out, if the cluster has not changed'
complete -c rcluster -n "__fish_rcluster_needs_command" -f -a "rebalance" -d 'Give every master its weighted share of the slots (weight 0 empties a master)'
complete -c rcluster -n "__fish_rcluster_needs_command" -f -a "reshard" -d 'Move slots to a master from others (exactly the number asked for, several sources at once)'
complete -c rcluster -n "__fish_rcluster_needs_command" -f -a "fix" -d 'Repair open, uncovered and multiply-owned slots: shows the plan and why, then carries it out'
complete -c rcluster -n "__fish_rcluster_needs_command" -f -a "backup" -d 'Save every master\'s RDB (SYNC, all at once) and nodes.json into a folder'
complete -c rcluster -n "__fish_rcluster_needs_command" -f -a "restore" -d 'Restore a backup into a running cluster of any shape (verified against its manifest first)'
complete -c rcluster -n "__fish_rcluster_needs_command" -f -a "failover" -d 'Promote a replica (CLUSTER FAILOVER) and wait until its old master follows it and every node agrees'
complete -c rcluster -n "__fish_rcluster_needs_command" -f -a "metrics" -d 'Prometheus exporter: every node\'s state, memory, ops/s and the cluster\'s slots, on /metrics'
complete -c rcluster -n "__fish_rcluster_needs_command" -f -a "watch" -d 'The cluster live in the terminal: masters, replicas, failing nodes, open slots (q quits)'
complete -c rcluster -n "__fish_rcluster_needs_command" -f -a "import" -d 'Move every key of a standalone server\'s database (or of another cluster) into the cluster, batched per owner'
complete -c rcluster -n "__fish_rcluster_needs_command" -f -a "resume" -d 'Finish an interrupted reshard, rebalance or apply forward, from its journal'
complete -c rcluster -n "__fish_rcluster_needs_command" -f -a "setslot" -d 'Low-level CLUSTER SETSLOT on one node; `node` hands the slot over safely (every master told)'
complete -c rcluster -n "__fish_rcluster_needs_command" -f -a "local" -d 'A throwaway cluster on this machine'
complete -c rcluster -n "__fish_rcluster_needs_command" -f -a "completions" -d 'Print a shell completion script'
complete -c rcluster -n "__fish_rcluster_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c rcluster -n "__fish_rcluster_using_subcommand create" -l replicas -d 'Replicas per master' -r
complete -c rcluster -n "__fish_rcluster_using_subcommand create" -l zone -d 'The failure zone of a host, HOST=ZONE, or of one node, HOST:PORT=ZONE (repeat for each); replicas are kept out of their master\'s zone when possible' -r
complete -c rcluster -n "__fish_rcluster_using_subcommand create" -l wait -d 'Bound on waiting for the cluster to form and become healthy, and for the replicas\' first sync' -r
complete -c rcluster -n "__fish_rcluster_using_subcommand create" -s a -l pass -d 'Password for every node (also from REDISCLI_AUTH)' -r
complete -c rcluster -n "__fish_rcluster_using_subcommand create" -l user -d 'ACL user name (needs a password)' -r
complete -c rcluster -n "__fish_rcluster_using_subcommand create" -l auth-file -d 'Read `user = NAME` and `password = SECRET` from a file only its owner can read (default: ~/.config/rcluster/auth, when it exists and no password is given otherwise)' -r -F
complete -c rcluster -n "__fish_rcluster_using_subcommand create" -l cacert -d 'CA certificate file to verify the nodes (with --tls)' -r -F
complete -c rcluster -n "__fish_rcluster_using_subcommand create" -l cacertdir -d 'Folder of CA certificates (with --tls)' -r -F
complete -c rcluster -n "__fish_rcluster_using_subcommand create" -l cert -d 'Client certificate (with --tls and --key)' -r -F
complete -c rcluster -n "__fish_rcluster_using_subcommand create" -l key -d 'Client private key (with --tls and --cert)' -r -F
complete -c rcluster -n "__fish_rcluster_using_subcommand create" -l sni -d 'Server name to send in the TLS handshake' -r
complete -c rcluster -n "__fish_rcluster_using_subcommand create" -l connect-timeout -d 'Bound on connecting to a node (and AUTH): `2s`, `500ms`, or milliseconds' -r
complete -c rcluster -n "__fish_rcluster_using_subcommand create" -l timeout -d 'Bound on each reply from a node: `3s`, `500ms`, or milliseconds' -r
complete -c rcluster -n "__fish_rcluster_using_subcommand create" -l events -d 'Show progress, warnings and hints on stderr as text (default) or as one JSON object a line' -r -f -a "text\t'Text for a person (a progress bar on a terminal)'
json\t'One JSON object per line (NDJSON)'"
complete -c rcluster -n "__fish_rcluster_using_subcommand create" -l dry-run -d 'Show the plan and stop'
complete -c rcluster -n "__fish_rcluster_using_subcommand create" -s y -l yes -d 'Apply without asking'
complete -c rcluster -n "__fish_rcluster_using_subcommand create" -l no-wait-sync -d 'Return once the cluster is formed, without waiting for the replicas\' first sync (until it ends, a failover to a replica loses its master\'s keys)'
complete -c rcluster -n "__fish_rcluster_using_subcommand create" -l askpass -d 'Read the password from the terminal without echo'
complete -c rcluster -n "__fish_rcluster_using_subcommand create" -l tls -d 'Connect with TLS (certificates: see --help)'
complete -c rcluster -n "__fish_rcluster_using_subcommand create" -l insecure -d 'Do not verify the nodes\' certificates'
complete -c rcluster -n "__fish_rcluster_using_subcommand create" -l json -d 'Print the result as one JSON document on stdout (also on failure; see docs/json.md)'
complete -c rcluster -n "__fish_rcluster_using_subcommand create" -s q -l quiet -d 'Print only errors and the final result'
complete -c rcluster -n "__fish_rcluster_using_subcommand create" -s v -l verbose -d 'Print more: per-node and per-slot detail (-vv for even more)'
complete -c rcluster -n "__fish_rcluster_using_subcommand create" -l no-color -d 'Never colour the output (also with NO_COLOR set, or when stdout is not a terminal)'
complete -c rcluster -n "__fish_rcluster_using_subcommand create" -l redis-cli-compat -d 'Set when the command line was given in redis-cli syntax'
complete -c rcluster -n "__fish_rcluster_using_subcommand create" -l no-auth-warning -d 'Do not warn about a password given with -a or --pass'
complete -c rcluster -n "__fish_rcluster_using_subcommand create" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rcluster -n "__fish_rcluster_using_subcommand check" -s a -l pass -d 'Password for every node (also from REDISCLI_AUTH)' -r
complete -c rcluster -n "__fish_rcluster_using_subcommand check" -l user -d 'ACL user name (needs a password)' -r
complete -c rcluster -n "__fish_rcluster_using_subcommand check" -l auth-file -d 'Read `user = NAME` and `password = SECRET` from a file only its owner can read (default: ~/.config/rcluster/auth, when it exists and no password is given otherwise)' -r -F
complete -c rcluster -n "__fish_rcluster_using_subcommand check" -l cacert -d 'CA certificate file to verify the nodes (with --tls)' -r -F
complete -c rcluster -n "__fish_rcluster_using_subcommand check" -l cacertdir -d 'Folder of CA certificates (with --tls)' -r -F
complete -c rcluster -n "__fish_rcluster_using_subcommand check" -l cert -d 'Client certificate (with --tls and --key)' -r -F
complete -c rcluster -n "__fish_rcluster_using_subcommand check" -l key -d 'Client private key (with --tls and --cert)' -r -F
complete -c rcluster -n "__fish_rcluster_using_subcommand check" -l sni -d 'Server name to send in the TLS handshake' -r
complete -c rcluster -n "__fish_rcluster_using_subcommand check" -l connect-timeout -d 'Bound on connecting to a node (and AUTH): `2s`, `500ms`, or milliseconds' -r
complete -c rcluster -n "__fish_rcluster_using_subcommand check" -l timeout -d 'Bound on each reply from a node: `3s`, `500ms`, or milliseconds' -r
complete -c rcluster -n "__fish_rcluster_using_subcommand check" -l events -d 'Show progress, warnings and hints on stderr as text (default) or as one JSON object a line' -r -f -a "text\t'Text for a person (a progress bar on a terminal)'
json\t'One JSON object per line (NDJSON)'"
complete -c rcluster -n "__fish_rcluster_using_subcommand check" -l search-multiple-owners -d 'Also look for slots that have keys on a master that does not own them (one pipelined COUNTKEYSINSLOT sweep per master)'
complete -c rcluster -n "__fish_rcluster_using_subcommand check" -l verdict-exit -d 'Exit with the verdict\'s class: 0 stable, 1 repair (run fix), 2 unreachable (fail closed), 3 settling (views disagree or a move runs: wait, do not fix)'
complete -c rcluster -n "__fish_rcluster_using_subcommand check" -l askpass -d 'Read the password from the terminal without echo'
complete -c rcluster -n "__fish_rcluster_using_subcommand check" -l tls -d 'Connect with TLS (certificates: see --help)'
complete -c rcluster -n "__fish_rcluster_using_subcommand check" -l insecure -d 'Do not verify the nodes\' certificates'
complete -c rcluster -n "__fish_rcluster_using_subcommand check" -l json -d 'Print the result as one JSON document on stdout (also on failure; see docs/json.md)'
complete -c rcluster -n "__fish_rcluster_using_subcommand check" -s q -l quiet -d 'Print only errors and the final result'
complete -c rcluster -n "__fish_rcluster_using_subcommand check" -s v -l verbose -d 'Print more: per-node and per-slot detail (-vv for even more)'
complete -c rcluster -n "__fish_rcluster_using_subcommand check" -l no-color -d 'Never colour the output (also with NO_COLOR set, or when stdout is not a terminal)'
complete -c rcluster -n "__fish_rcluster_using_subcommand check" -l redis-cli-compat -d 'Set when the command line was given in redis-cli syntax'
complete -c rcluster -n "__fish_rcluster_using_subcommand check" -l no-auth-warning -d 'Do not warn about a password given with -a or --pass'
complete -c rcluster -n "__fish_rcluster_using_subcommand check" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rcluster -n "__fish_rcluster_using_subcommand doctor" -l zone -d 'The failure zone of a host, HOST=ZONE, or of one node, HOST:PORT=ZONE (repeat for each): placement is then judged by zone' -r
complete -c rcluster -n "__fish_rcluster_using_subcommand doctor" -l migrate-timeout -d 'The MIGRATE timeout slot moves will use, against which the biggest keys are judged' -r
complete -c rcluster -n "__fish_rcluster_using_subcommand doctor" -s a -l pass -d 'Password for every node (also from REDISCLI_AUTH)' -r
complete -c rcluster -n "__fish_rcluster_using_subcommand doctor" -l user -d 'ACL user name (needs a password)' -r
complete -c rcluster -n "__fish_rcluster_using_subcommand doctor" -l auth-file -d 'Read `user = NAME` and `password = SECRET` from a file only its owner can read (default: ~/.config/rcluster/auth, when it exists and no password is given otherwise)' -r -F
complete -c rcluster -n "__fish_rcluster_using_subcommand doctor" -l cacert -d 'CA certificate file to verify the nodes (with --tls)' -r -F
complete -c rcluster -n "__fish_rcluster_using_subcommand doctor" -l cacertdir -d 'Folder of CA certificates (with --tls)' -r -F
complete -c rcluster -n "__fish_rcluster_using_subcommand doctor" -l cert -d 'Client certificate (with --tls and --key)' -r -F
complete -c rcluster -n "__fish_rcluster_using_subcommand doctor" -l key -d 'Client private key (with --tls and --cert)' -r -F
complete -c rcluster -n "__fish_rcluster_using_subcommand doctor" -l sni -d 'Server name to send in the TLS handshake' -r
complete -c rcluster -n "__fish_rcluster_using_subcommand doctor" -l connect-timeout -d 'Bound on connecting to a node (and AUTH): `2s`, `500ms`, or milliseconds' -r
complete -c rcluster -n "__fish_rcluster_using_subcommand doctor" -l timeout -d 'Bound on each reply from a node: `3s`, `500ms`, or milliseconds' -r
complete -c rcluster -n "__fish_rcluster_using_subcommand doctor" -l events -d 'Show progress, warnings and hints on stderr as text (default) or as one JSON object a line' -r -f -a "text\t'Text for a person (a progress bar on a terminal)'
json\t'One JSON object per line (NDJSON)'"
complete -c rcluster -n "__fish_rcluster_using_subcommand doctor" -l search-multiple-owners -d 'Also look for keys held by masters that do not own their slot'
complete -c rcluster -n "__fish_rcluster_using_subcommand doctor" -l askpass -d 'Read the password from the terminal without echo'
complete -c rcluster -n "__fish_rcluster_using_subcommand doctor" -l tls -d 'Connect with TLS (certificates: see --help)'
complete -c rcluster -n "__fish_rcluster_using_subcommand doctor" -l insecure -d 'Do not verify the nodes\' certificates'
complete -c rcluster -n "__fish_rcluster_using_subcommand doctor" -l json -d 'Print the result as one JSON document on stdout (also on failure; see docs/json.md)'
complete -c rcluster -n "__fish_rcluster_using_subcommand doctor" -s q -l quiet -d 'Print only errors and the final result'
complete -c rcluster -n "__fish_rcluster_using_subcommand doctor" -s v -l verbose -d 'Print more: per-node and per-slot detail (-vv for even more)'
complete -c rcluster -n "__fish_rcluster_using_subcommand doctor" -l no-color -d 'Never colour the output (also with NO_COLOR set, or when stdout is not a terminal)'
complete -c rcluster -n "__fish_rcluster_using_subcommand doctor" -l redis-cli-compat -d 'Set when the command line was given in redis-cli syntax'
complete -c rcluster -n "__fish_rcluster_using_subcommand doctor" -l no-auth-warning -d 'Do not warn about a password given with -a or --pass'
complete -c rcluster -n "__fish_rcluster_using_subcommand doctor" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rcluster -n "__fish_rcluster_using_subcommand info" -s a -l pass -d 'Password for every node (also from REDISCLI_AUTH)' -r
complete -c rcluster -n "__fish_rcluster_using_subcommand info" -l user -d 'ACL user name (needs a password)' -r
complete -c rcluster -n "__fish_rcluster_using_subcommand info" -l auth-file -d 'Read `user = NAME` and `password = SECRET` from a file only its owner can read (default: ~/.config/rcluster/auth, when it exists and no password is given otherwise)' -r -F
complete -c rcluster -n "__fish_rcluster_using_subcommand info" -l cacert -d 'CA certificate file to verify the nodes (with --tls)' -r -F
complete -c rcluster -n "__fish_rcluster_using_subcommand info" -l cacertdir -d 'Folder of CA certificates (with --tls)' -r -F
complete -c rcluster -n "__fish_rcluster_using_subcommand info" -l cert -d 'Client certificate (with --tls and --key)' -r -F
complete -c rcluster -n "__fish_rcluster_using_subcommand info" -l key -d 'Client private key (with --tls and --cert)' -r -F
complete -c rcluster -n "__fish_rcluster_using_subcommand info" -l sni -d 'Server name to send in the TLS handshake' -r
complete -c rcluster -n "__fish_rcluster_using_subcommand info" -l connect-timeout -d 'Bound on connecting to a node (and AUTH): `2s`, `500ms`, or milliseconds' -r
complete -c rcluster -n "__fish_rcluster_using_subcommand info" -l timeout -d 'Bound on each reply from a node: `3s`, `500ms`, or milliseconds' -r
complete -c rcluster -n "__fish_rcluster_using_subcommand info" -l events -d 'Show progress, warnings and hints on stderr as text (default) or as one JSON object a line' -r -f -a "text\t'Text for a person (a progress bar on a terminal)'
json\t'One JSON object per line (NDJSON)'"
complete -c rcluster -n "__fish_rcluster_using_subcommand info" -l askpass -d 'Read the password from the terminal without echo'
complete -c rcluster -n "__fish_rcluster_using_subcommand info" -l tls -d 'Connect with TLS (certificates: see --help)'
complete -c rcluster -n "__fish_rcluster_using_subcommand info" -l insecure -d 'Do not verify the nodes\' certificates'
complete -c rcluster -n "__fish_rcluster_using_subcommand info" -l json -d 'Print the result as one JSON document on stdout (also on failure; see docs/json.md)'
complete -c rcluster -n "__fish_rcluster_using_subcommand info" -s q -l quiet -d 'Print only errors and the final result'
complete -c rcluster -n "__fish_rcluster_using_subcommand info" -s v -l verbose -d 'Print more: per-node and per-slot detail (-vv for even more)'
complete -c rcluster -n "__fish_rcluster_using_subcommand info" -l no-color -d 'Never colour the output (also with NO_COLOR set, or when stdout is not a terminal)'
complete -c rcluster -n "__fish_rcluster_using_subcommand info" -l redis-cli-compat -d 'Set when the command line was given in redis-cli syntax'
complete -c rcluster -n "__fish_rcluster_using_subcommand info" -l no-auth-warning -d 'Do not warn about a password given with -a or --pass'
complete -c rcluster -n "__fish_rcluster_using_subcommand info" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rcluster -n "__fish_rcluster_using_subcommand add-node" -l master-id -d 'The master the replica follows (id, or a unique prefix of 8 or more characters); default: the master with the fewest replicas. Ignored without --replica, as redis-cli ignores it' -r
complete -c rcluster -n "__fish_rcluster_using_subcommand add-node" -l wait -d 'Bound on waiting for every node to know the new one, and for a replica\'s first sync' -r
complete -c rcluster -n "__fish_rcluster_using_subcommand add-node" -s a -l pass -d 'Password for every node (also from REDISCLI_AUTH)' -r
complete -c rcluster -n "__fish_rcluster_using_subcommand add-node" -l user -d 'ACL user name (needs a password)' -r
complete -c rcluster -n "__fish_rcluster_using_subcommand add-node" -l auth-file -d 'Read `user = NAME` and `password = SECRET` from a file only its owner can read (default: ~/.config/rcluster/auth, when it exists and no password is given otherwise)' -r -F
complete -c rcluster -n "__fish_rcluster_using_subcommand add-node" -l cacert -d 'CA certificate file to verify the nodes (with --tls)' -r -F
complete -c rcluster -n "__fish_rcluster_using_subcommand add-node" -l cacertdir -d 'Folder of CA certificates (with --tls)' -r -F
complete -c rcluster -n "__fish_rcluster_using_subcommand add-node" -l cert -d 'Client certificate (with --tls and --key)' -r -F
complete -c rcluster -n "__fish_rcluster_using_subcommand add-node" -l key -d 'Client private key (with --tls and --cert)' -r -F
complete -c rcluster -n "__fish_rcluster_using_subcommand add-node" -l sni -d 'Server name to send in the TLS handshake' -r
complete -c rcluster -n "__fish_rcluster_using_subcommand add-node" -l connect-timeout -d 'Bound on connecting to a node (and AUTH): `2s`, `500ms`, or milliseconds' -r
complete -c rcluster -n "__fish_rcluster_using_subcommand add-node" -l timeout -d 'Bound on each reply from a node: `3s`, `500ms`, or milliseconds' -r
complete -c rcluster -n "__fish_rcluster_using_subcommand add-node" -l events -d 'Show progress, warnings and hints on stderr as text (default) or as one JSON object a line' -r -f -a "text\t'Text for a person (a progress bar on a terminal)'
json\t'One JSON object per line (NDJSON)'"
complete -c rcluster -n "__fish_rcluster_using_subcommand add-node" -l replica -d 'Add the node as a replica'
complete -c rcluster -n "__fish_rcluster_using_subcommand add-node" -l no-wait-sync -d 'With --replica: return once it follows its master, without waiting for its first sync'
complete -c rcluster -n "__fish_rcluster_using_subcommand add-node" -l break-lock -d 'Take the cluster\'s lock even when another run holds it: for a lock left by a run killed on another host (it expires 30 s after its run stopped renewing it). Breaking the lock of a run that is still working lets two runs change the cluster at once'
complete -c rcluster -n "__fish_rcluster_using_subcommand add-node" -l askpass -d 'Read the password from the terminal without echo'
complete -c rcluster -n "__fish_rcluster_using_subcommand add-node" -l tls -d 'Connect with TLS (certificates: see --help)'
complete -c rcluster -n "__fish_rcluster_using_subcommand add-node" -l insecure -d 'Do not verify the nodes\' certificates'
complete -c rcluster -n "__fish_rcluster_using_subcommand add-node" -l json -d 'Print the result as one JSON document on stdout (also on failure; see docs/json.md)'
complete -c rcluster -n "__fish_rcluster_using_subcommand add-node" -s q -l quiet -d 'Print only errors and the final result'
complete -c rcluster -n "__fish_rcluster_using_subcommand add-node" -s v -l verbose -d 'Print more: per-node and per-slot detail (-vv for even more)'
complete -c rcluster -n "__fish_rcluster_using_subcommand add-node" -l no-color -d 'Never colour the output (also with NO_COLOR set, or when stdout is not a terminal)'
complete -c rcluster -n "__fish_rcluster_using_subcommand add-node" -l redis-cli-compat -d 'Set when the command line was given in redis-cli syntax'
complete -c rcluster -n "__fish_rcluster_using_subcommand add-node" -l no-auth-warning -d 'Do not warn about a password given with -a or --pass'
complete -c rcluster -n "__fish_rcluster_using_subcommand add-node" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rcluster -n "__fish_rcluster_using_subcommand del-node" -l replicate-to -d 'Keep the node as a replica of this master instead of removing it (a master drained with `cluster-allow-replica-migration no` stays an empty master): its id, a unique prefix of 8 or more characters, or HOST:PORT. Its own replicas follow other masters first; del-node then waits, bounded by --wait, until every node lists it as that master\'s replica and its first sync has finished' -r
complete -c rcluster -n "__fish_rcluster_using_subcommand del-node" -l wait -d 'Bound on the wait for --replicate-to\'s sync, and on the failover of a master that owns slots' -r
complete -c rcluster -n "__fish_rcluster_using_subcommand del-node" -s a -l pass -d 'Password for every node (also from REDISCLI_AUTH)' -r
complete -c rcluster -n "__fish_rcluster_using_subcommand del-node" -l user -d 'ACL user name (needs a password)' -r
complete -c rcluster -n "__fish_rcluster_using_subcommand del-node" -l auth-file -d 'Read `user = NAME` and `password = SECRET` from a file only its owner can read (default: ~/.config/rcluster/auth, when it exists and no password is given otherwise)' -r -F
complete -c rcluster -n "__fish_rcluster_using_subcommand del-node" -l cacert -d 'CA certificate file to verify the nodes (with --tls)' -r -F
complete -c rcluster -n "__fish_rcluster_using_subcommand del-node" -l cacertdir -d 'Folder of CA certificates (with --tls)' -r -F
complete -c rcluster -n "__fish_rcluster_using_subcommand del-node" -l cert -d 'Client certificate (with --tls and --key)' -r -F
complete -c rcluster -n "__fish_rcluster_using_subcommand del-node" -l key -d 'Client private key (with --tls and --cert)' -r -F
complete -c rcluster -n "__fish_rcluster_using_subcommand del-node" -l sni -d 'Server name to send in the TLS handshake' -r
complete -c rcluster -n "__fish_rcluster_using_subcommand del-node" -l connect-timeout -d 'Bound on connecting to a node (and AUTH): `2s`, `500ms`, or milliseconds' -r
complete -c rcluster -n "__fish_rcluster_using_subcommand del-node" -l timeout -d 'Bound on each reply from a node: `3s`, `500ms`, or milliseconds' -r
complete -c rcluster -n "__fish_rcluster_using_subcommand del-node" -l events -d 'Show progress, warnings and hints on stderr as text (default) or as one JSON object a line' -r -f -a "text\t'Text for a person (a progress bar on a terminal)'
json\t'One JSON object per line (NDJSON)'"
complete -c rcluster -n "__fish_rcluster_using_subcommand del-node" -l shutdown -d 'Stop the node (`SHUTDOWN NOSAVE`) once every node has forgotten it and it is reset'
complete -c rcluster -n "__fish_rcluster_using_subcommand del-node" -l recheck -d 'Once the 60 s forget blacklist has expired, check that no node knows the removed node again (a node that keeps running can rejoin through gossip); forget it again if one does (exit 1). Makes del-node take about 65 s'
complete -c rcluster -n "__fish_rcluster_using_subcommand del-node" -l yes -d 'A master that owns slots is removed only after its replica took them over (`CLUSTER FAILOVER`): do it without asking (del-node asks otherwise)'
complete -c rcluster -n "__fish_rcluster_using_subcommand del-node" -l break-lock -d 'Take the cluster\'s lock even when another run holds it: for a lock left by a run killed on another host (it expires 30 s after its run stopped renewing it). Breaking the lock of a run that is still working lets two runs change the cluster at once'
complete -c rcluster -n "__fish_rcluster_using_subcommand del-node" -l askpass -d 'Read the password from the terminal without echo'
complete -c rcluster -n "__fish_rcluster_using_subcommand del-node" -l tls -d 'Connect with TLS (certificates: see --help)'
complete -c rcluster -n "__fish_rcluster_using_subcommand del-node" -l insecure -d 'Do not verify the nodes\' certificates'
complete -c rcluster -n "__fish_rcluster_using_subcommand del-node" -l json -d 'Print the result as one JSON document on stdout (also on failure; see docs/json.md)'
complete -c rcluster -n "__fish_rcluster_using_subcommand del-node" -s q -l quiet -d 'Print only errors and the final result'
complete -c rcluster -n "__fish_rcluster_using_subcommand del-node" -s v -l verbose -d 'Print more: per-node and per-slot detail (-vv for even more)'
complete -c rcluster -n "__fish_rcluster_using_subcommand del-node" -l no-color -d 'Never colour the output (also with NO_COLOR set, or when stdout is not a terminal)'
complete -c rcluster -n "__fish_rcluster_using_subcommand del-node" -l redis-cli-compat -d 'Set when the command line was given in redis-cli syntax'
complete -c rcluster -n "__fish_rcluster_using_subcommand del-node" -l no-auth-warning -d 'Do not warn about a password given with -a or --pass'
complete -c rcluster -n "__fish_rcluster_using_subcommand del-node" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rcluster -n "__fish_rcluster_using_subcommand call" -s a -l pass -d 'Password for every node (also from REDISCLI_AUTH)' -r
complete -c rcluster -n "__fish_rcluster_using_subcommand call" -l user -d 'ACL user name (needs a password)' -r
complete -c rcluster -n "__fish_rcluster_using_subcommand call" -l auth-file -d 'Read `user = NAME` and `password = SECRET` from a file only its owner can read (default: ~/.config/rcluster/auth, when it exists and no password is given otherwise)' -r -F
complete -c rcluster -n "__fish_rcluster_using_subcommand call" -l cacert -d 'CA certificate file to verify the nodes (with --tls)' -r -F
complete -c rcluster -n "__fish_rcluster_using_subcommand call" -l cacertdir -d 'Folder of CA certificates (with --tls)' -r -F
complete -c rcluster -n "__fish_rcluster_using_subcommand call" -l cert -d 'Client certificate (with --tls and --key)' -r -F
complete -c rcluster -n "__fish_rcluster_using_subcommand call" -l key -d 'Client private key (with --tls and --cert)' -r -F
complete -c rcluster -n "__fish_rcluster_using_subcommand call" -l sni -d 'Server name to send in the TLS handshake' -r
complete -c rcluster -n "__fish_rcluster_using_subcommand call" -l connect-timeout -d 'Bound on connecting to a node (and AUTH): `2s`, `500ms`, or milliseconds' -r
complete -c rcluster -n "__fish_rcluster_using_subcommand call" -l timeout -d 'Bound on each reply from a node: `3s`, `500ms`, or milliseconds' -r
complete -c rcluster -n "__fish_rcluster_using_subcommand call" -l events -d 'Show progress, warnings and hints on stderr as text (default) or as one JSON object a line' -r -f -a "text\t'Text for a person (a progress bar on a terminal)'
json\t'One JSON object per line (NDJSON)'"
complete -c rcluster -n "__fish_rcluster_using_subcommand call" -l only-masters -d 'Only masters'
complete -c rcluster -n "__fish_rcluster_using_subcommand call" -l only-replicas -d 'Only replicas'
complete -c rcluster -n "__fish_rcluster_using_subcommand call" -l askpass -d 'Read the password from the terminal without echo'
complete -c rcluster -n "__fish_rcluster_using_subcommand call" -l tls -d 'Connect with TLS (certificates: see --help)'
complete -c rcluster -n "__fish_rcluster_using_subcommand call" -l insecure -d 'Do not verify the nodes\' certificates'
complete -c rcluster -n "__fish_rcluster_using_subcommand call" -l json -d 'Print the result as one JSON document on stdout (also on failure; see docs/json.md)'
complete -c rcluster -n "__fish_rcluster_using_subcommand call" -s q -l quiet -d 'Print only errors and the final result'
complete -c rcluster -n "__fish_rcluster_using_subcommand call" -s v -l verbose -d 'Print more: per-node and per-slot detail (-vv for even more)'
complete -c rcluster -n "__fish_rcluster_using_subcommand call" -l no-color -d 'Never colour the output (also with NO_COLOR set, or when stdout is not a terminal)'
complete -c rcluster -n "__fish_rcluster_using_subcommand call" -l redis-cli-compat -d 'Set when the command line was given in redis-cli syntax'
complete -c rcluster -n "__fish_rcluster_using_subcommand call" -l no-auth-warning -d 'Do not warn about a password given with -a or --pass'
complete -c rcluster -n "__fish_rcluster_using_subcommand call" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rcluster -n "__fish_rcluster_using_subcommand set-timeout" -s a -l pass -d 'Password for every node (also from REDISCLI_AUTH)' -r
complete -c rcluster -n "__fish_rcluster_using_subcommand set-timeout" -l user -d 'ACL user name (needs a password)' -r
complete -c rcluster -n "__fish_rcluster_using_subcommand set-timeout" -l auth-file -d 'Read `user = NAME` and `password = SECRET` from a file only its owner can read (default: ~/.config/rcluster/auth, when it exists and no password is given otherwise)' -r -F
complete -c rcluster -n "__fish_rcluster_using_subcommand set-timeout" -l cacert -d 'CA certificate file to verify the nodes (with --tls)' -r -F
complete -c rcluster -n "__fish_rcluster_using_subcommand set-timeout" -l cacertdir -d 'Folder of CA certificates (with --tls)' -r -F
complete -c rcluster -n "__fish_rcluster_using_subcommand set-timeout" -l cert -d 'Client certificate (with --tls and --key)' -r -F
complete -c rcluster -n "__fish_rcluster_using_subcommand set-timeout" -l key -d 'Client private key (with --tls and --cert)' -r -F
complete -c rcluster -n "__fish_rcluster_using_subcommand set-timeout" -l sni -d 'Server name to send in the TLS handshake' -r
complete -c rcluster -n "__fish_rcluster_using_subcommand set-timeout" -l connect-timeout -d 'Bound on connecting to a node (and AUTH): `2s`, `500ms`, or milliseconds' -r
complete -c rcluster -n "__fish_rcluster_using_subcommand set-timeout" -l timeout -d 'Bound on each reply from a node: `3s`, `500ms`, or milliseconds' -r
complete -c rcluster -n "__fish_rcluster_using_subcommand set-timeout" -l events -d 'Show progress, warnings and hints on stderr as text (default) or as one JSON object a line' -r -f -a "text\t'Text for a person (a progress bar on a terminal)'
json\t'One JSON object per line (NDJSON)'"
complete -c rcluster -n "__fish_rcluster_using_subcommand set-timeout" -l askpass -d 'Read the password from the terminal without echo'
complete -c rcluster -n "__fish_rcluster_using_subcommand set-timeout" -l tls -d 'Connect with TLS (certificates: see --help)'
complete -c rcluster -n "__fish_rcluster_using_subcommand set-timeout" -l insecure -d 'Do not verify the nodes\' certificates'
complete -c rcluster -n "__fish_rcluster_using_subcommand set-timeout" -l json -d 'Print the result as one JSON document on stdout (also on failure; see docs/json.md)'
complete -c rcluster -n "__fish_rcluster_using_subcommand set-timeout" -s q -l quiet -d 'Print only errors and the final result'
complete -c rcluster -n "__fish_rcluster_using_subcommand set-timeout" -s v -l verbose -d 'Print more: per-node and per-slot detail (-vv for even more)'
complete -c rcluster -n "__fish_rcluster_using_subcommand set-timeout" -l no-color -d 'Never colour the output (also with NO_COLOR set, or when stdout is not a terminal)'
complete -c rcluster -n "__fish_rcluster_using_subcommand set-timeout" -l redis-cli-compat -d 'Set when the command line was given in redis-cli syntax'
complete -c rcluster -n "__fish_rcluster_using_subcommand set-timeout" -l no-auth-warning -d 'Do not warn about a password given with -a or --pass'
complete -c rcluster -n "__fish_rcluster_using_subcommand set-timeout" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rcluster -n "__fish_rcluster_using_subcommand apply" -l node -d 'Reach the cluster through this node instead of the one the plan was made through' -r
complete -c rcluster -n "__fish_rcluster_using_subcommand apply" -l rate -d 'Throttle: at most this many keys per second over all sources [resume: the interrupted run\'s]' -r
complete -c rcluster -n "__fish_rcluster_using_subcommand apply" -l journal -d 'The journal to record progress in (default: a new file under ~/.local/state/rcluster/journals), read by `rcluster resume`' -r -F
complete -c rcluster -n "__fish_rcluster_using_subcommand apply" -l pipeline -d 'Keys per GETKEYSINSLOT / MIGRATE batch [default: 100; resume: the interrupted run\'s]' -r
complete -c rcluster -n "__fish_rcluster_using_subcommand apply" -l migrate-timeout -d 'MIGRATE\'s timeout: `60s`, or milliseconds' -r
complete -c rcluster -n "__fish_rcluster_using_subcommand apply" -l parallel -d 'Sources moving slots at once [default: 4; resume: the interrupted run\'s]' -r
complete -c rcluster -n "__fish_rcluster_using_subcommand apply" -l migration -d 'How slots move: `legacy` (per-slot MIGRATE, every server), `atomic` (server-side CLUSTER MIGRATESLOTS, Valkey 9+), `auto` (atomic when every master offers it and --rate is not given) [default: auto; resume: the interrupted run\'s]' -r -f -a "auto\t''
legacy\t''
atomic\t''"
complete -c rcluster -n "__fish_rcluster_using_subcommand apply" -l window -d 'Slots of one source in flight together (each protocol step pipelined for all of them, and one hand-off for the window); 1 moves one slot at a time, slower than redis-cli (each window pays a hand-off and a journal sync, docs/bench.md) [default: 256; resume: the interrupted run\'s]' -r
complete -c rcluster -n "__fish_rcluster_using_subcommand apply" -l observe-baseline -d 'How long --observe measures the baseline before the first slot moves' -r
complete -c rcluster -n "__fish_rcluster_using_subcommand apply" -l max-latency -d 'Hold the client\'s p99 under TIME, e.g. `5ms` (implies --observe)' -r
complete -c rcluster -n "__fish_rcluster_using_subcommand apply" -l plan-out -d 'Also write the plan to this file (JSON, with a fingerprint of the topology) for `rcluster apply`' -r -F
complete -c rcluster -n "__fish_rcluster_using_subcommand apply" -s a -l pass -d 'Password for every node (also from REDISCLI_AUTH)' -r
complete -c rcluster -n "__fish_rcluster_using_subcommand apply" -l user -d 'ACL user name (needs a password)' -r
complete -c rcluster -n "__fish_rcluster_using_subcommand apply" -l auth-file -d 'Read `user = NAME` and `password = SECRET` from a file only its owner can read (default: ~/.config/rcluster/auth, when it exists and no password is given otherwise)' -r -F
complete -c rcluster -n "__fish_rcluster_using_subcommand apply" -l cacert -d 'CA certificate file to verify the nodes (with --tls)' -r -F
complete -c rcluster -n "__fish_rcluster_using_subcommand apply" -l cacertdir -d 'Folder of CA certificates (with --tls)' -r -F
complete -c rcluster -n "__fish_rcluster_using_subcommand apply" -l cert -d 'Client certificate (with --tls and --key)' -r -F
complete -c rcluster -n "__fish_rcluster_using_subcommand apply" -l key -d 'Client private key (with --tls and --cert)' -r -F
complete -c rcluster -n "__fish_rcluster_using_subcommand apply" -l sni -d 'Server name to send in the TLS handshake' -r
complete -c rcluster -n "__fish_rcluster_using_subcommand apply" -l connect-timeout -d 'Bound on connecting to a node (and AUTH): `2s`, `500ms`, or milliseconds' -r
complete -c rcluster -n "__fish_rcluster_using_subcommand apply" -l timeout -d 'Bound on each reply from a node: `3s`, `500ms`, or milliseconds' -r
complete -c rcluster -n "__fish_rcluster_using_subcommand apply" -l events -d 'Show progress, warnings and hints on stderr as text (default) or as one JSON object a line' -r -f -a "text\t'Text for a person (a progress bar on a terminal)'
json\t'One JSON object per line (NDJSON)'"
complete -c rcluster -n "__fish_rcluster_using_subcommand apply" -s y -l yes -d 'Apply without asking'
complete -c rcluster -n "__fish_rcluster_using_subcommand apply" -l replace -d 'Overwrite keys that already exist on the target (otherwise equal values are merged and different ones stop the move)'
complete -c rcluster -n "__fish_rcluster_using_subcommand apply" -l raise-node-timeout -d 'When a big key\'s MIGRATE would block its source for half the cluster-node-timeout or more, raise cluster-node-timeout on every node for the move and restore it afterwards (also on error or Ctrl-C) [resume: the interrupted run\'s]'
complete -c rcluster -n "__fish_rcluster_using_subcommand apply" -l skip-big-keys -d 'Leave the slots of big keys (those that would risk a failover, or exceed the target\'s proto-max-bulk-len) where they are; the report names them [resume: the interrupted run\'s]'
complete -c rcluster -n "__fish_rcluster_using_subcommand apply" -l break-lock -d 'Take the cluster\'s lock even when another run holds it: for a lock left by a run killed on another host (it expires 30 s after its run stopped renewing it). Breaking the lock of a run that is still working lets two runs change the cluster at once'
complete -c rcluster -n "__fish_rcluster_using_subcommand apply" -l observe -d 'Measure the latency clients see (GET/SET) before and during the move'
complete -c rcluster -n "__fish_rcluster_using_subcommand apply" -l askpass -d 'Read the password from the terminal without echo'
complete -c rcluster -n "__fish_rcluster_using_subcommand apply" -l tls -d 'Connect with TLS (certificates: see --help)'
complete -c rcluster -n "__fish_rcluster_using_subcommand apply" -l insecure -d 'Do not verify the nodes\' certificates'
complete -c rcluster -n "__fish_rcluster_using_subcommand apply" -l json -d 'Print the result as one JSON document on stdout (also on failure; see docs/json.md)'
complete -c rcluster -n "__fish_rcluster_using_subcommand apply" -s q -l quiet -d 'Print only errors and the final result'
complete -c rcluster -n "__fish_rcluster_using_subcommand apply" -s v -l verbose -d 'Print more: per-node and per-slot detail (-vv for even more)'
complete -c rcluster -n "__fish_rcluster_using_subcommand apply" -l no-color -d 'Never colour the output (also with NO_COLOR set, or when stdout is not a terminal)'
complete -c rcluster -n "__fish_rcluster_using_subcommand apply" -l redis-cli-compat -d 'Set when the command line was given in redis-cli syntax'
complete -c rcluster -n "__fish_rcluster_using_subcommand apply" -l no-auth-warning -d 'Do not warn about a password given with -a or --pass'
complete -c rcluster -n "__fish_rcluster_using_subcommand apply" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rcluster -n "__fish_rcluster_using_subcommand rebalance" -l weight -d 'A master\'s weight, ID=WEIGHT (id or unique prefix; default 1; 0 empties the master)' -r
complete -c rcluster -n "__fish_rcluster_using_subcommand rebalance" -l threshold -d 'Only rebalance when a master is off its share by more than this percentage (0: balance exactly)' -r
complete -c rcluster -n "__fish_rcluster_using_subcommand rebalance" -l by -d 'What to balance: `slots`; `keys` (key counts, moving as few slots as possible); `memory` (bytes, estimated per slot from each master\'s dataset memory per key)' -r -f -a "slots\t''
keys\t''
memory\t''"
complete -c rcluster -n "__fish_rcluster_using_subcommand rebalance" -l plan-out -d 'Also write the plan to this file (JSON, with a fingerprint of the topology) for `rcluster apply`' -r -F
complete -c rcluster -n "__fish_rcluster_using_subcommand rebalance" -l rate -d 'Throttle: at most this many keys per second over all sources [resume: the interrupted run\'s]' -r
complete -c rcluster -n "__fish_rcluster_using_subcommand rebalance" -l journal -d 'The journal to record progress in (default: a new file under ~/.local/state/rcluster/journals), read by `rcluster resume`' -r -F
complete -c rcluster -n "__fish_rcluster_using_subcommand rebalance" -l pipeline -d 'Keys per GETKEYSINSLOT / MIGRATE batch [default: 100; resume: the interrupted run\'s]' -r
complete -c rcluster -n "__fish_rcluster_using_subcommand rebalance" -l migrate-timeout -d 'MIGRATE\'s timeout: `60s`, or milliseconds' -r
complete -c rcluster -n "__fish_rcluster_using_subcommand rebalance" -l parallel -d 'Sources moving slots at once [default: 4; resume: the interrupted run\'s]' -r
complete -c rcluster -n "__fish_rcluster_using_subcommand rebalance" -l migration -d 'How slots move: `legacy` (per-slot MIGRATE, every server), `atomic` (server-side CLUSTER MIGRATESLOTS, Valkey 9+), `auto` (atomic when every master offers it and --rate is not given) [default: auto; resume: the interrupted run\'s]' -r -f -a "auto\t''
legacy\t''
atomic\t''"
complete -c rcluster -n "__fish_rcluster_using_subcommand rebalance" -l window -d 'Slots of one source in flight together (each protocol step pipelined for all of them, and one hand-off for the window); 1 moves one slot at a time, slower than redis-cli (each window pays a hand-off and a journal sync, docs/bench.md) [default: 256; resume: the interrupted run\'s]' -r
complete -c rcluster -n "__fish_rcluster_using_subcommand rebalance" -l observe-baseline -d 'How long --observe measures the baseline before the first slot moves' -r
complete -c rcluster -n "__fish_rcluster_using_subcommand rebalance" -l max-latency -d 'Hold the client\'s p99 under TIME, e.g. `5ms` (implies --observe)' -r
complete -c rcluster -n "__fish_rcluster_using_subcommand rebalance" -l max-slots -d 'Move at most N slots in this run, then stop with every slot closed and say how many are left; run the same command again to continue' -r
complete -c rcluster -n "__fish_rcluster_using_subcommand rebalance" -l max-time -d 'Start no new slot after this time (`10m`, `90s`, or milliseconds); the slots in flight finish, none is left open. Server-side migrations are checked between tasks' -r
complete -c rcluster -n "__fish_rcluster_using_subcommand rebalance" -s a -l pass -d 'Password for every node (also from REDISCLI_AUTH)' -r
complete -c rcluster -n "__fish_rcluster_using_subcommand rebalance" -l user -d 'ACL user name (needs a password)' -r
complete -c rcluster -n "__fish_rcluster_using_subcommand rebalance" -l auth-file -d 'Read `user = NAME` and `password = SECRET` from a file only its owner can read (default: ~/.config/rcluster/auth, when it exists and no password is given otherwise)' -r -F
complete -c rcluster -n "__fish_rcluster_using_subcommand rebalance" -l cacert -d 'CA certificate file to verify the nodes (with --tls)' -r -F
complete -c rcluster -n "__fish_rcluster_using_subcommand rebalance" -l cacertdir -d 'Folder of CA certificates (with --tls)' -r -F
complete -c rcluster -n "__fish_rcluster_using_subcommand rebalance" -l cert -d 'Client certificate (with --tls and --key)' -r -F
complete -c rcluster -n "__fish_rcluster_using_subcommand rebalance" -l key -d 'Client private key (with --tls and --cert)' -r -F
complete -c rcluster -n "__fish_rcluster_using_subcommand rebalance" -l sni -d 'Server name to send in the TLS handshake' -r
complete -c rcluster -n "__fish_rcluster_using_subcommand rebalance" -l connect-timeout -d 'Bound on connecting to a node (and AUTH): `2s`, `500ms`, or milliseconds' -r
complete -c rcluster -n "__fish_rcluster_using_subcommand rebalance" -l timeout -d 'Bound on each reply from a node: `3s`, `500ms`, or milliseconds' -r
complete -c rcluster -n "__fish_rcluster_using_subcommand rebalance" -l events -d 'Show progress, warnings and hints on stderr as text (default) or as one JSON object a line' -r -f -a "text\t'Text for a person (a progress bar on a terminal)'
json\t'One JSON object per line (NDJSON)'"
complete -c rcluster -n "__fish_rcluster_using_subcommand rebalance" -l use-empty-masters -d 'Give slots to masters that have none'
complete -c rcluster -n "__fish_rcluster_using_subcommand rebalance" -l dry-run -d 'Show the moves and stop'
complete -c rcluster -n "__fish_rcluster_using_subcommand rebalance" -s y -l yes -d 'Move without asking (redis-cli syntax never asks, as redis-cli does not)'
complete -c rcluster -n "__fish_rcluster_using_subcommand rebalance" -l replace -d 'Overwrite keys that already exist on the target (otherwise equal values are merged and different ones stop the move)'
complete -c rcluster -n "__fish_rcluster_using_subcommand rebalance" -l raise-node-timeout -d 'When a big key\'s MIGRATE would block its source for half the cluster-node-timeout or more, raise cluster-node-timeout on every node for the move and restore it afterwards (also on error or Ctrl-C) [resume: the interrupted run\'s]'
complete -c rcluster -n "__fish_rcluster_using_subcommand rebalance" -l skip-big-keys -d 'Leave the slots of big keys (those that would risk a failover, or exceed the target\'s proto-max-bulk-len) where they are; the report names them [resume: the interrupted run\'s]'
complete -c rcluster -n "__fish_rcluster_using_subcommand rebalance" -l break-lock -d 'Take the cluster\'s lock even when another run holds it: for a lock left by a run killed on another host (it expires 30 s after its run stopped renewing it). Breaking the lock of a run that is still working lets two runs change the cluster at once'
complete -c rcluster -n "__fish_rcluster_using_subcommand rebalance" -l observe -d 'Measure the latency clients see (GET/SET) before and during the move'
complete -c rcluster -n "__fish_rcluster_using_subcommand rebalance" -l askpass -d 'Read the password from the terminal without echo'
complete -c rcluster -n "__fish_rcluster_using_subcommand rebalance" -l tls -d 'Connect with TLS (certificates: see --help)'
complete -c rcluster -n "__fish_rcluster_using_subcommand rebalance" -l insecure -d 'Do not verify the nodes\' certificates'
complete -c rcluster -n "__fish_rcluster_using_subcommand rebalance" -l json -d 'Print the result as one JSON document on stdout (also on failure; see docs/json.md)'
complete -c rcluster -n "__fish_rcluster_using_subcommand rebalance" -s q -l quiet -d 'Print only errors and the final result'
complete -c rcluster -n "__fish_rcluster_using_subcommand rebalance" -s v -l verbose -d 'Print more: per-node and per-slot detail (-vv for even more)'
complete -c rcluster -n "__fish_rcluster_using_subcommand rebalance" -l no-color -d 'Never colour the output (also with NO_COLOR set, or when stdout is not a terminal)'
complete -c rcluster -n "__fish_rcluster_using_subcommand rebalance" -l redis-cli-compat -d 'Set when the command line was given in redis-cli syntax'
complete -c rcluster -n "__fish_rcluster_using_subcommand rebalance" -l no-auth-warning -d 'Do not warn about a password given with -a or --pass'
complete -c rcluster -n "__fish_rcluster_using_subcommand rebalance" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rcluster -n "__fish_rcluster_using_subcommand reshard" -l from -d 'Source masters: ids (or unique prefixes of 8 or more characters) separated by commas, or `all`' -r
complete -c rcluster -n "__fish_rcluster_using_subcommand reshard" -l to -d 'The receiving master\'s id (or a unique prefix of 8 or more characters)' -r
complete -c rcluster -n "__fish_rcluster_using_subcommand reshard" -l slots -d 'How many slots to move (exactly this many, from 1 to 16384)' -r
complete -c rcluster -n "__fish_rcluster_using_subcommand reshard" -l slot-ranges -d 'Exact slots to move to --to, each from its owner: `0-99,5000`' -r
complete -c rcluster -n "__fish_rcluster_using_subcommand reshard" -l plan-out -d 'Also write the plan to this file (JSON, with a fingerprint of the topology) for `rcluster apply`' -r -F
complete -c rcluster -n "__fish_rcluster_using_subcommand reshard" -l rate -d 'Throttle: at most this many keys per second over all sources [resume: the interrupted run\'s]' -r
complete -c rcluster -n "__fish_rcluster_using_subcommand reshard" -l journal -d 'The journal to record progress in (default: a new file under ~/.local/state/rcluster/journals), read by `rcluster resume`' -r -F
complete -c rcluster -n "__fish_rcluster_using_subcommand reshard" -l pipeline -d 'Keys per GETKEYSINSLOT / MIGRATE batch [default: 100; resume: the interrupted run\'s]' -r
complete -c rcluster -n "__fish_rcluster_using_subcommand reshard" -l migrate-timeout -d 'MIGRATE\'s timeout: `60s`, or milliseconds' -r
complete -c rcluster -n "__fish_rcluster_using_subcommand reshard" -l parallel -d 'Sources moving slots at once [default: 4; resume: the interrupted run\'s]' -r
complete -c rcluster -n "__fish_rcluster_using_subcommand reshard" -l migration -d 'How slots move: `legacy` (per-slot MIGRATE, every server), `atomic` (server-side CLUSTER MIGRATESLOTS, Valkey 9+), `auto` (atomic when every master offers it and --rate is not given) [default: auto; resume: the interrupted run\'s]' -r -f -a "auto\t''
legacy\t''
atomic\t''"
complete -c rcluster -n "__fish_rcluster_using_subcommand reshard" -l window -d 'Slots of one source in flight together (each protocol step pipelined for all of them, and one hand-off for the window); 1 moves one slot at a time, slower than redis-cli (each window pays a hand-off and a journal sync, docs/bench.md) [default: 256; resume: the interrupted run\'s]' -r
complete -c rcluster -n "__fish_rcluster_using_subcommand reshard" -l observe-baseline -d 'How long --observe measures the baseline before the first slot moves' -r
complete -c rcluster -n "__fish_rcluster_using_subcommand reshard" -l max-latency -d 'Hold the client\'s p99 under TIME, e.g. `5ms` (implies --observe)' -r
complete -c rcluster -n "__fish_rcluster_using_subcommand reshard" -l max-slots -d 'Move at most N slots in this run, then stop with every slot closed and say how many are left; run the same command again to continue' -r
complete -c rcluster -n "__fish_rcluster_using_subcommand reshard" -l max-time -d 'Start no new slot after this time (`10m`, `90s`, or milliseconds); the slots in flight finish, none is left open. Server-side migrations are checked between tasks' -r
complete -c rcluster -n "__fish_rcluster_using_subcommand reshard" -s a -l pass -d 'Password for every node (also from REDISCLI_AUTH)' -r
complete -c rcluster -n "__fish_rcluster_using_subcommand reshard" -l user -d 'ACL user name (needs a password)' -r
complete -c rcluster -n "__fish_rcluster_using_subcommand reshard" -l auth-file -d 'Read `user = NAME` and `password = SECRET` from a file only its owner can read (default: ~/.config/rcluster/auth, when it exists and no password is given otherwise)' -r -F
complete -c rcluster -n "__fish_rcluster_using_subcommand reshard" -l cacert -d 'CA certificate file to verify the nodes (with --tls)' -r -F
complete -c rcluster -n "__fish_rcluster_using_subcommand reshard" -l cacertdir -d 'Folder of CA certificates (with --tls)' -r -F
complete -c rcluster -n "__fish_rcluster_using_subcommand reshard" -l cert -d 'Client certificate (with --tls and --key)' -r -F
complete -c rcluster -n "__fish_rcluster_using_subcommand reshard" -l key -d 'Client private key (with --tls and --cert)' -r -F
complete -c rcluster -n "__fish_rcluster_using_subcommand reshard" -l sni -d 'Server name to send in the TLS handshake' -r
complete -c rcluster -n "__fish_rcluster_using_subcommand reshard" -l connect-timeout -d 'Bound on connecting to a node (and AUTH): `2s`, `500ms`, or milliseconds' -r
complete -c rcluster -n "__fish_rcluster_using_subcommand reshard" -l timeout -d 'Bound on each reply from a node: `3s`, `500ms`, or milliseconds' -r
complete -c rcluster -n "__fish_rcluster_using_subcommand reshard" -l events -d 'Show progress, warnings and hints on stderr as text (default) or as one JSON object a line' -r -f -a "text\t'Text for a person (a progress bar on a terminal)'
json\t'One JSON object per line (NDJSON)'"
complete -c rcluster -n "__fish_rcluster_using_subcommand reshard" -s y -l yes -d 'Move without asking'
complete -c rcluster -n "__fish_rcluster_using_subcommand reshard" -l dry-run -d 'Show the plan and stop'
complete -c rcluster -n "__fish_rcluster_using_subcommand reshard" -l replace -d 'Overwrite keys that already exist on the target (otherwise equal values are merged and different ones stop the move)'
complete -c rcluster -n "__fish_rcluster_using_subcommand reshard" -l raise-node-timeout -d 'When a big key\'s MIGRATE would block its source for half the cluster-node-timeout or more, raise cluster-node-timeout on every node for the move and restore it afterwards (also on error or Ctrl-C) [resume: the interrupted run\'s]'
complete -c rcluster -n "__fish_rcluster_using_subcommand reshard" -l skip-big-keys -d 'Leave the slots of big keys (those that would risk a failover, or exceed the target\'s proto-max-bulk-len) where they are; the report names them [resume: the interrupted run\'s]'
complete -c rcluster -n "__fish_rcluster_using_subcommand reshard" -l break-lock -d 'Take the cluster\'s lock even when another run holds it: for a lock left by a run killed on another host (it expires 30 s after its run stopped renewing it). Breaking the lock of a run that is still working lets two runs change the cluster at once'
complete -c rcluster -n "__fish_rcluster_using_subcommand reshard" -l observe -d 'Measure the latency clients see (GET/SET) before and during the move'
complete -c rcluster -n "__fish_rcluster_using_subcommand reshard" -l askpass -d 'Read the password from the terminal without echo'
complete -c rcluster -n "__fish_rcluster_using_subcommand reshard" -l tls -d 'Connect with TLS (certificates: see --help)'
complete -c rcluster -n "__fish_rcluster_using_subcommand reshard" -l insecure -d 'Do not verify the nodes\' certificates'
complete -c rcluster -n "__fish_rcluster_using_subcommand reshard" -l json -d 'Print the result as one JSON document on stdout (also on failure; see docs/json.md)'
complete -c rcluster -n "__fish_rcluster_using_subcommand reshard" -s q -l quiet -d 'Print only errors and the final result'
complete -c rcluster -n "__fish_rcluster_using_subcommand reshard" -s v -l verbose -d 'Print more: per-node and per-slot detail (-vv for even more)'
complete -c rcluster -n "__fish_rcluster_using_subcommand reshard" -l no-color -d 'Never colour the output (also with NO_COLOR set, or when stdout is not a terminal)'
complete -c rcluster -n "__fish_rcluster_using_subcommand reshard" -l redis-cli-compat -d 'Set when the command line was given in redis-cli syntax'
complete -c rcluster -n "__fish_rcluster_using_subcommand reshard" -l no-auth-warning -d 'Do not warn about a password given with -a or --pass'
complete -c rcluster -n "__fish_rcluster_using_subcommand reshard" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rcluster -n "__fish_rcluster_using_subcommand fix" -l journal -d 'The journal of an interrupted rcluster run to complete (default: the newest unfinished one for this cluster under ~/.local/state/rcluster/journals)' -r -F
complete -c rcluster -n "__fish_rcluster_using_subcommand fix" -l pipeline -d 'Keys per GETKEYSINSLOT / MIGRATE batch' -r
complete -c rcluster -n "__fish_rcluster_using_subcommand fix" -l migrate-timeout -d 'MIGRATE\'s timeout: `60s`, or milliseconds' -r
complete -c rcluster -n "__fish_rcluster_using_subcommand fix" -l parallel -d 'Masters handing their keys to a slot\'s new owner at once (as the moves\' --parallel)' -r
complete -c rcluster -n "__fish_rcluster_using_subcommand fix" -l window -d 'Slots of one master whose keys move together (each protocol step pipelined for all of them); 1 moves one slot at a time (each window pays a hand-off, docs/bench.md)' -r
complete -c rcluster -n "__fish_rcluster_using_subcommand fix" -l max-slots -d 'Repair at most N slots in this run, then check and say how many are left; run the same command again to continue' -r
complete -c rcluster -n "__fish_rcluster_using_subcommand fix" -s a -l pass -d 'Password for every node (also from REDISCLI_AUTH)' -r
complete -c rcluster -n "__fish_rcluster_using_subcommand fix" -l user -d 'ACL user name (needs a password)' -r
complete -c rcluster -n "__fish_rcluster_using_subcommand fix" -l auth-file -d 'Read `user = NAME` and `password = SECRET` from a file only its owner can read (default: ~/.config/rcluster/auth, when it exists and no password is given otherwise)' -r -F
complete -c rcluster -n "__fish_rcluster_using_subcommand fix" -l cacert -d 'CA certificate file to verify the nodes (with --tls)' -r -F
complete -c rcluster -n "__fish_rcluster_using_subcommand fix" -l cacertdir -d 'Folder of CA certificates (with --tls)' -r -F
complete -c rcluster -n "__fish_rcluster_using_subcommand fix" -l cert -d 'Client certificate (with --tls and --key)' -r -F
complete -c rcluster -n "__fish_rcluster_using_subcommand fix" -l key -d 'Client private key (with --tls and --cert)' -r -F
complete -c rcluster -n "__fish_rcluster_using_subcommand fix" -l sni -d 'Server name to send in the TLS handshake' -r
complete -c rcluster -n "__fish_rcluster_using_subcommand fix" -l connect-timeout -d 'Bound on connecting to a node (and AUTH): `2s`, `500ms`, or milliseconds' -r
complete -c rcluster -n "__fish_rcluster_using_subcommand fix" -l timeout -d 'Bound on each reply from a node: `3s`, `500ms`, or milliseconds' -r
complete -c rcluster -n "__fish_rcluster_using_subcommand fix" -l events -d 'Show progress, warnings and hints on stderr as text (default) or as one JSON object a line' -r -f -a "text\t'Text for a person (a progress bar on a terminal)'
json\t'One JSON object per line (NDJSON)'"
complete -c rcluster -n "__fish_rcluster_using_subcommand fix" -l dry-run -d 'Show the findings and the repair plan; change nothing'
complete -c rcluster -n "__fish_rcluster_using_subcommand fix" -s y -l yes -d 'Repair without asking'
complete -c rcluster -n "__fish_rcluster_using_subcommand fix" -l search-multiple-owners -d 'Also look for keys held by masters that do not own their slot, and repair those slots'
complete -c rcluster -n "__fish_rcluster_using_subcommand fix" -l fix-with-unreachable-masters -d 'Give the slots of unreachable masters to reachable ones (keys the unreachable masters hold in them are lost)'
complete -c rcluster -n "__fish_rcluster_using_subcommand fix" -l no-journal -d 'Ignore journals: decide from the cluster\'s own state only'
complete -c rcluster -n "__fish_rcluster_using_subcommand fix" -l replace -d 'Overwrite keys that already exist on the new owner (otherwise equal values are merged and different ones stop that slot\'s repair)'
complete -c rcluster -n "__fish_rcluster_using_subcommand fix" -l break-lock -d 'Take the cluster\'s lock even when another run holds it: for a lock left by a run killed on another host (it expires 30 s after its run stopped renewing it). Breaking the lock of a run that is still working lets two runs change the cluster at once'
complete -c rcluster -n "__fish_rcluster_using_subcommand fix" -l askpass -d 'Read the password from the terminal without echo'
complete -c rcluster -n "__fish_rcluster_using_subcommand fix" -l tls -d 'Connect with TLS (certificates: see --help)'
complete -c rcluster -n "__fish_rcluster_using_subcommand fix" -l insecure -d 'Do not verify the nodes\' certificates'
complete -c rcluster -n "__fish_rcluster_using_subcommand fix" -l json -d 'Print the result as one JSON document on stdout (also on failure; see docs/json.md)'
complete -c rcluster -n "__fish_rcluster_using_subcommand fix" -s q -l quiet -d 'Print only errors and the final result'
complete -c rcluster -n "__fish_rcluster_using_subcommand fix" -s v -l verbose -d 'Print more: per-node and per-slot detail (-vv for even more)'
complete -c rcluster -n "__fish_rcluster_using_subcommand fix" -l no-color -d 'Never colour the output (also with NO_COLOR set, or when stdout is not a terminal)'
complete -c rcluster -n "__fish_rcluster_using_subcommand fix" -l redis-cli-compat -d 'Set when the command line was given in redis-cli syntax'
complete -c rcluster -n "__fish_rcluster_using_subcommand fix" -l no-auth-warning -d 'Do not warn about a password given with -a or --pass'
complete -c rcluster -n "__fish_rcluster_using_subcommand fix" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rcluster -n "__fish_rcluster_using_subcommand backup" -l snapshot-timeout -d 'Bound on each master\'s snapshot (its BGSAVE and the transfer)' -r
complete -c rcluster -n "__fish_rcluster_using_subcommand backup" -s a -l pass -d 'Password for every node (also from REDISCLI_AUTH)' -r
complete -c rcluster -n "__fish_rcluster_using_subcommand backup" -l user -d 'ACL user name (needs a password)' -r
complete -c rcluster -n "__fish_rcluster_using_subcommand backup" -l auth-file -d 'Read `user = NAME` and `password = SECRET` from a file only its owner can read (default: ~/.config/rcluster/auth, when it exists and no password is given otherwise)' -r -F
complete -c rcluster -n "__fish_rcluster_using_subcommand backup" -l cacert -d 'CA certificate file to verify the nodes (with --tls)' -r -F
complete -c rcluster -n "__fish_rcluster_using_subcommand backup" -l cacertdir -d 'Folder of CA certificates (with --tls)' -r -F
complete -c rcluster -n "__fish_rcluster_using_subcommand backup" -l cert -d 'Client certificate (with --tls and --key)' -r -F
complete -c rcluster -n "__fish_rcluster_using_subcommand backup" -l key -d 'Client private key (with --tls and --cert)' -r -F
complete -c rcluster -n "__fish_rcluster_using_subcommand backup" -l sni -d 'Server name to send in the TLS handshake' -r
complete -c rcluster -n "__fish_rcluster_using_subcommand backup" -l connect-timeout -d 'Bound on connecting to a node (and AUTH): `2s`, `500ms`, or milliseconds' -r
complete -c rcluster -n "__fish_rcluster_using_subcommand backup" -l timeout -d 'Bound on each reply from a node: `3s`, `500ms`, or milliseconds' -r
complete -c rcluster -n "__fish_rcluster_using_subcommand backup" -l events -d 'Show progress, warnings and hints on stderr as text (default) or as one JSON object a line' -r -f -a "text\t'Text for a person (a progress bar on a terminal)'
json\t'One JSON object per line (NDJSON)'"
complete -c rcluster -n "__fish_rcluster_using_subcommand backup" -l force -d 'Write into a folder that already holds files (redis-cli syntax always does)'
complete -c rcluster -n "__fish_rcluster_using_subcommand backup" -l askpass -d 'Read the password from the terminal without echo'
complete -c rcluster -n "__fish_rcluster_using_subcommand backup" -l tls -d 'Connect with TLS (certificates: see --help)'
complete -c rcluster -n "__fish_rcluster_using_subcommand backup" -l insecure -d 'Do not verify the nodes\' certificates'
complete -c rcluster -n "__fish_rcluster_using_subcommand backup" -l json -d 'Print the result as one JSON document on stdout (also on failure; see docs/json.md)'
complete -c rcluster -n "__fish_rcluster_using_subcommand backup" -s q -l quiet -d 'Print only errors and the final result'
complete -c rcluster -n "__fish_rcluster_using_subcommand backup" -s v -l verbose -d 'Print more: per-node and per-slot detail (-vv for even more)'
complete -c rcluster -n "__fish_rcluster_using_subcommand backup" -l no-color -d 'Never colour the output (also with NO_COLOR set, or when stdout is not a terminal)'
complete -c rcluster -n "__fish_rcluster_using_subcommand backup" -l redis-cli-compat -d 'Set when the command line was given in redis-cli syntax'
complete -c rcluster -n "__fish_rcluster_using_subcommand backup" -l no-auth-warning -d 'Do not warn about a password given with -a or --pass'
complete -c rcluster -n "__fish_rcluster_using_subcommand backup" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rcluster -n "__fish_rcluster_using_subcommand restore" -l server-bin -d 'The server binary that loads every RDB (default: redis-server, or valkey-server for a Valkey RDB)' -r
complete -c rcluster -n "__fish_rcluster_using_subcommand restore" -l load-timeout -d 'Bound on loading each RDB' -r
complete -c rcluster -n "__fish_rcluster_using_subcommand restore" -l migrate-timeout -d 'MIGRATE\'s timeout: `60s`, or milliseconds' -r
complete -c rcluster -n "__fish_rcluster_using_subcommand restore" -s a -l pass -d 'Password for every node (also from REDISCLI_AUTH)' -r
complete -c rcluster -n "__fish_rcluster_using_subcommand restore" -l user -d 'ACL user name (needs a password)' -r
complete -c rcluster -n "__fish_rcluster_using_subcommand restore" -l auth-file -d 'Read `user = NAME` and `password = SECRET` from a file only its owner can read (default: ~/.config/rcluster/auth, when it exists and no password is given otherwise)' -r -F
complete -c rcluster -n "__fish_rcluster_using_subcommand restore" -l cacert -d 'CA certificate file to verify the nodes (with --tls)' -r -F
complete -c rcluster -n "__fish_rcluster_using_subcommand restore" -l cacertdir -d 'Folder of CA certificates (with --tls)' -r -F
complete -c rcluster -n "__fish_rcluster_using_subcommand restore" -l cert -d 'Client certificate (with --tls and --key)' -r -F
complete -c rcluster -n "__fish_rcluster_using_subcommand restore" -l key -d 'Client private key (with --tls and --cert)' -r -F
complete -c rcluster -n "__fish_rcluster_using_subcommand restore" -l sni -d 'Server name to send in the TLS handshake' -r
complete -c rcluster -n "__fish_rcluster_using_subcommand restore" -l connect-timeout -d 'Bound on connecting to a node (and AUTH): `2s`, `500ms`, or milliseconds' -r
complete -c rcluster -n "__fish_rcluster_using_subcommand restore" -l timeout -d 'Bound on each reply from a node: `3s`, `500ms`, or milliseconds' -r
complete -c rcluster -n "__fish_rcluster_using_subcommand restore" -l events -d 'Show progress, warnings and hints on stderr as text (default) or as one JSON object a line' -r -f -a "text\t'Text for a person (a progress bar on a terminal)'
json\t'One JSON object per line (NDJSON)'"
complete -c rcluster -n "__fish_rcluster_using_subcommand restore" -l replace -d 'Overwrite keys the cluster already holds'
complete -c rcluster -n "__fish_rcluster_using_subcommand restore" -l break-lock -d 'Take the cluster\'s lock even when another run holds it: for a lock left by a run killed on another host (it expires 30 s after its run stopped renewing it). Breaking the lock of a run that is still working lets two runs change the cluster at once'
complete -c rcluster -n "__fish_rcluster_using_subcommand restore" -l askpass -d 'Read the password from the terminal without echo'
complete -c rcluster -n "__fish_rcluster_using_subcommand restore" -l tls -d 'Connect with TLS (certificates: see --help)'
complete -c rcluster -n "__fish_rcluster_using_subcommand restore" -l insecure -d 'Do not verify the nodes\' certificates'
complete -c rcluster -n "__fish_rcluster_using_subcommand restore" -l json -d 'Print the result as one JSON document on stdout (also on failure; see docs/json.md)'
complete -c rcluster -n "__fish_rcluster_using_subcommand restore" -s q -l quiet -d 'Print only errors and the final result'
complete -c rcluster -n "__fish_rcluster_using_subcommand restore" -s v -l verbose -d 'Print more: per-node and per-slot detail (-vv for even more)'
complete -c rcluster -n "__fish_rcluster_using_subcommand restore" -l no-color -d 'Never colour the output (also with NO_COLOR set, or when stdout is not a terminal)'
complete -c rcluster -n "__fish_rcluster_using_subcommand restore" -l redis-cli-compat -d 'Set when the command line was given in redis-cli syntax'
complete -c rcluster -n "__fish_rcluster_using_subcommand restore" -l no-auth-warning -d 'Do not warn about a password given with -a or --pass'
complete -c rcluster -n "__fish_rcluster_using_subcommand restore" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rcluster -n "__fish_rcluster_using_subcommand failover" -l wait -d 'Bound on the whole failover, until every node agrees' -r
complete -c rcluster -n "__fish_rcluster_using_subcommand failover" -l duration -d 'How long the drill\'s traffic runs (the failover starts after a third of it)' -r
complete -c rcluster -n "__fish_rcluster_using_subcommand failover" -l rate -d 'The drill\'s writes per second' -r
complete -c rcluster -n "__fish_rcluster_using_subcommand failover" -l min-success -d 'The success rate, in percent, below which the drill fails' -r
complete -c rcluster -n "__fish_rcluster_using_subcommand failover" -l with-min-replicas -d 'With --partition: set min-replicas-to-write N (and min-replicas-max-lag 1) on every master for the drill, restored afterwards' -r
complete -c rcluster -n "__fish_rcluster_using_subcommand failover" -s a -l pass -d 'Password for every node (also from REDISCLI_AUTH)' -r
complete -c rcluster -n "__fish_rcluster_using_subcommand failover" -l user -d 'ACL user name (needs a password)' -r
complete -c rcluster -n "__fish_rcluster_using_subcommand failover" -l auth-file -d 'Read `user = NAME` and `password = SECRET` from a file only its owner can read (default: ~/.config/rcluster/auth, when it exists and no password is given otherwise)' -r -F
complete -c rcluster -n "__fish_rcluster_using_subcommand failover" -l cacert -d 'CA certificate file to verify the nodes (with --tls)' -r -F
complete -c rcluster -n "__fish_rcluster_using_subcommand failover" -l cacertdir -d 'Folder of CA certificates (with --tls)' -r -F
complete -c rcluster -n "__fish_rcluster_using_subcommand failover" -l cert -d 'Client certificate (with --tls and --key)' -r -F
complete -c rcluster -n "__fish_rcluster_using_subcommand failover" -l key -d 'Client private key (with --tls and --cert)' -r -F
complete -c rcluster -n "__fish_rcluster_using_subcommand failover" -l sni -d 'Server name to send in the TLS handshake' -r
complete -c rcluster -n "__fish_rcluster_using_subcommand failover" -l connect-timeout -d 'Bound on connecting to a node (and AUTH): `2s`, `500ms`, or milliseconds' -r
complete -c rcluster -n "__fish_rcluster_using_subcommand failover" -l timeout -d 'Bound on each reply from a node: `3s`, `500ms`, or milliseconds' -r
complete -c rcluster -n "__fish_rcluster_using_subcommand failover" -l events -d 'Show progress, warnings and hints on stderr as text (default) or as one JSON object a line' -r -f -a "text\t'Text for a person (a progress bar on a terminal)'
json\t'One JSON object per line (NDJSON)'"
complete -c rcluster -n "__fish_rcluster_using_subcommand failover" -l force -d 'Without the master\'s agreement (it may be down); a majority of masters must vote'
complete -c rcluster -n "__fish_rcluster_using_subcommand failover" -l takeover -d 'Without any vote (a partitioned minority): the replica takes a new epoch by itself'
complete -c rcluster -n "__fish_rcluster_using_subcommand failover" -l drill -d 'A drill: write and read keys before, during and after the failover, and report what failed'
complete -c rcluster -n "__fish_rcluster_using_subcommand failover" -l kill-master -d 'Kill the master\'s process (on this host) instead of a controlled failover'
complete -c rcluster -n "__fish_rcluster_using_subcommand failover" -l partition -d 'Cut the master NODE off with iptables DROP rules (root, every node on a loopback address of this host) for --duration, while a writer on each side writes; then heal and report the acknowledged writes lost'
complete -c rcluster -n "__fish_rcluster_using_subcommand failover" -l accept-data-loss -d 'Promote the replica even though it does not hold its master\'s data (its first sync has not finished, its link is down, or it lags): the keys only its master holds are lost'
complete -c rcluster -n "__fish_rcluster_using_subcommand failover" -l break-lock -d 'Take the cluster\'s lock even when another run holds it: for a lock left by a run killed on another host (it expires 30 s after its run stopped renewing it). Breaking the lock of a run that is still working lets two runs change the cluster at once'
complete -c rcluster -n "__fish_rcluster_using_subcommand failover" -l askpass -d 'Read the password from the terminal without echo'
complete -c rcluster -n "__fish_rcluster_using_subcommand failover" -l tls -d 'Connect with TLS (certificates: see --help)'
complete -c rcluster -n "__fish_rcluster_using_subcommand failover" -l insecure -d 'Do not verify the nodes\' certificates'
complete -c rcluster -n "__fish_rcluster_using_subcommand failover" -l json -d 'Print the result as one JSON document on stdout (also on failure; see docs/json.md)'
complete -c rcluster -n "__fish_rcluster_using_subcommand failover" -s q -l quiet -d 'Print only errors and the final result'
complete -c rcluster -n "__fish_rcluster_using_subcommand failover" -s v -l verbose -d 'Print more: per-node and per-slot detail (-vv for even more)'
complete -c rcluster -n "__fish_rcluster_using_subcommand failover" -l no-color -d 'Never colour the output (also with NO_COLOR set, or when stdout is not a terminal)'
complete -c rcluster -n "__fish_rcluster_using_subcommand failover" -l redis-cli-compat -d 'Set when the command line was given in redis-cli syntax'
complete -c rcluster -n "__fish_rcluster_using_subcommand failover" -l no-auth-warning -d 'Do not warn about a password given with -a or --pass'
complete -c rcluster -n "__fish_rcluster_using_subcommand failover" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rcluster -n "__fish_rcluster_using_subcommand metrics" -l listen -d 'Where to serve GET /metrics (loopback unless told otherwise)' -r
complete -c rcluster -n "__fish_rcluster_using_subcommand metrics" -s a -l pass -d 'Password for every node (also from REDISCLI_AUTH)' -r
complete -c rcluster -n "__fish_rcluster_using_subcommand metrics" -l user -d 'ACL user name (needs a password)' -r
complete -c rcluster -n "__fish_rcluster_using_subcommand metrics" -l auth-file -d 'Read `user = NAME` and `password = SECRET` from a file only its owner can read (default: ~/.config/rcluster/auth, when it exists and no password is given otherwise)' -r -F
complete -c rcluster -n "__fish_rcluster_using_subcommand metrics" -l cacert -d 'CA certificate file to verify the nodes (with --tls)' -r -F
complete -c rcluster -n "__fish_rcluster_using_subcommand metrics" -l cacertdir -d 'Folder of CA certificates (with --tls)' -r -F
complete -c rcluster -n "__fish_rcluster_using_subcommand metrics" -l cert -d 'Client certificate (with --tls and --key)' -r -F
complete -c rcluster -n "__fish_rcluster_using_subcommand metrics" -l key -d 'Client private key (with --tls and --cert)' -r -F
complete -c rcluster -n "__fish_rcluster_using_subcommand metrics" -l sni -d 'Server name to send in the TLS handshake' -r
complete -c rcluster -n "__fish_rcluster_using_subcommand metrics" -l connect-timeout -d 'Bound on connecting to a node (and AUTH): `2s`, `500ms`, or milliseconds' -r
complete -c rcluster -n "__fish_rcluster_using_subcommand metrics" -l timeout -d 'Bound on each reply from a node: `3s`, `500ms`, or milliseconds' -r
complete -c rcluster -n "__fish_rcluster_using_subcommand metrics" -l events -d 'Show progress, warnings and hints on stderr as text (default) or as one JSON object a line' -r -f -a "text\t'Text for a person (a progress bar on a terminal)'
json\t'One JSON object per line (NDJSON)'"
complete -c rcluster -n "__fish_rcluster_using_subcommand metrics" -l once -d 'Print one scrape on stdout and exit (for node_exporter\'s textfile collector)'
complete -c rcluster -n "__fish_rcluster_using_subcommand metrics" -l askpass -d 'Read the password from the terminal without echo'
complete -c rcluster -n "__fish_rcluster_using_subcommand metrics" -l tls -d 'Connect with TLS (certificates: see --help)'
complete -c rcluster -n "__fish_rcluster_using_subcommand metrics" -l insecure -d 'Do not verify the nodes\' certificates'
complete -c rcluster -n "__fish_rcluster_using_subcommand metrics" -l json -d 'Print the result as one JSON document on stdout (also on failure; see docs/json.md)'
complete -c rcluster -n "__fish_rcluster_using_subcommand metrics" -s q -l quiet -d 'Print only errors and the final result'
complete -c rcluster -n "__fish_rcluster_using_subcommand metrics" -s v -l verbose -d 'Print more: per-node and per-slot detail (-vv for even more)'
complete -c rcluster -n "__fish_rcluster_using_subcommand metrics" -l no-color -d 'Never colour the output (also with NO_COLOR set, or when stdout is not a terminal)'
complete -c rcluster -n "__fish_rcluster_using_subcommand metrics" -l redis-cli-compat -d 'Set when the command line was given in redis-cli syntax'
complete -c rcluster -n "__fish_rcluster_using_subcommand metrics" -l no-auth-warning -d 'Do not warn about a password given with -a or --pass'
complete -c rcluster -n "__fish_rcluster_using_subcommand metrics" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rcluster -n "__fish_rcluster_using_subcommand watch" -l interval -d 'Time between refreshes' -r
complete -c rcluster -n "__fish_rcluster_using_subcommand watch" -l count -d 'Without a terminal: stop after this many summaries' -r
complete -c rcluster -n "__fish_rcluster_using_subcommand watch" -s a -l pass -d 'Password for every node (also from REDISCLI_AUTH)' -r
complete -c rcluster -n "__fish_rcluster_using_subcommand watch" -l user -d 'ACL user name (needs a password)' -r
complete -c rcluster -n "__fish_rcluster_using_subcommand watch" -l auth-file -d 'Read `user = NAME` and `password = SECRET` from a file only its owner can read (default: ~/.config/rcluster/auth, when it exists and no password is given otherwise)' -r -F
complete -c rcluster -n "__fish_rcluster_using_subcommand watch" -l cacert -d 'CA certificate file to verify the nodes (with --tls)' -r -F
complete -c rcluster -n "__fish_rcluster_using_subcommand watch" -l cacertdir -d 'Folder of CA certificates (with --tls)' -r -F
complete -c rcluster -n "__fish_rcluster_using_subcommand watch" -l cert -d 'Client certificate (with --tls and --key)' -r -F
complete -c rcluster -n "__fish_rcluster_using_subcommand watch" -l key -d 'Client private key (with --tls and --cert)' -r -F
complete -c rcluster -n "__fish_rcluster_using_subcommand watch" -l sni -d 'Server name to send in the TLS handshake' -r
complete -c rcluster -n "__fish_rcluster_using_subcommand watch" -l connect-timeout -d 'Bound on connecting to a node (and AUTH): `2s`, `500ms`, or milliseconds' -r
complete -c rcluster -n "__fish_rcluster_using_subcommand watch" -l timeout -d 'Bound on each reply from a node: `3s`, `500ms`, or milliseconds' -r
complete -c rcluster -n "__fish_rcluster_using_subcommand watch" -l events -d 'Show progress, warnings and hints on stderr as text (default) or as one JSON object a line' -r -f -a "text\t'Text for a person (a progress bar on a terminal)'
json\t'One JSON object per line (NDJSON)'"
complete -c rcluster -n "__fish_rcluster_using_subcommand watch" -l askpass -d 'Read the password from the terminal without echo'
complete -c rcluster -n "__fish_rcluster_using_subcommand watch" -l tls -d 'Connect with TLS (certificates: see --help)'
complete -c rcluster -n "__fish_rcluster_using_subcommand watch" -l insecure -d 'Do not verify the nodes\' certificates'
complete -c rcluster -n "__fish_rcluster_using_subcommand watch" -l json -d 'Print the result as one JSON document on stdout (also on failure; see docs/json.md)'
complete -c rcluster -n "__fish_rcluster_using_subcommand watch" -s q -l quiet -d 'Print only errors and the final result'
complete -c rcluster -n "__fish_rcluster_using_subcommand watch" -s v -l verbose -d 'Print more: per-node and per-slot detail (-vv for even more)'
complete -c rcluster -n "__fish_rcluster_using_subcommand watch" -l no-color -d 'Never colour the output (also with NO_COLOR set, or when stdout is not a terminal)'
complete -c rcluster -n "__fish_rcluster_using_subcommand watch" -l redis-cli-compat -d 'Set when the command line was given in redis-cli syntax'
complete -c rcluster -n "__fish_rcluster_using_subcommand watch" -l no-auth-warning -d 'Do not warn about a password given with -a or --pass'
complete -c rcluster -n "__fish_rcluster_using_subcommand watch" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rcluster -n "__fish_rcluster_using_subcommand import" -l from -d 'The standalone server to import from (HOST:PORT)' -r
complete -c rcluster -n "__fish_rcluster_using_subcommand import" -l from-cluster -d 'Another cluster to import from, through any of its nodes: every master is read at once' -r
complete -c rcluster -n "__fish_rcluster_using_subcommand import" -l from-db -d 'The source\'s database [default: 0 for --from; every one that holds keys for --from-cluster]' -r
complete -c rcluster -n "__fish_rcluster_using_subcommand import" -l to-db -d 'The cluster\'s database the keys go to [default: the source\'s number]' -r
complete -c rcluster -n "__fish_rcluster_using_subcommand import" -l from-user -d 'The source\'s ACL user' -r
complete -c rcluster -n "__fish_rcluster_using_subcommand import" -l from-pass -d 'The source\'s password' -r
complete -c rcluster -n "__fish_rcluster_using_subcommand import" -l migrate-timeout -d 'MIGRATE\'s timeout: `60s`, or milliseconds' -r
complete -c rcluster -n "__fish_rcluster_using_subcommand import" -l from-cacert -d 'CA certificate file to verify the source (with --from-tls)' -r -F
complete -c rcluster -n "__fish_rcluster_using_subcommand import" -l from-cacertdir -d 'Folder of CA certificates to verify the source (with --from-tls)' -r -F
complete -c rcluster -n "__fish_rcluster_using_subcommand import" -l from-cert -d 'Client certificate shown to the source (with --from-tls and --from-key)' -r -F
complete -c rcluster -n "__fish_rcluster_using_subcommand import" -l from-key -d 'Client private key for the source (with --from-tls and --from-cert)' -r -F
complete -c rcluster -n "__fish_rcluster_using_subcommand import" -l from-sni -d 'Server name to send in the TLS handshake with the source' -r
complete -c rcluster -n "__fish_rcluster_using_subcommand import" -s a -l pass -d 'Password for every node (also from REDISCLI_AUTH)' -r
complete -c rcluster -n "__fish_rcluster_using_subcommand import" -l user -d 'ACL user name (needs a password)' -r
complete -c rcluster -n "__fish_rcluster_using_subcommand import" -l auth-file -d 'Read `user = NAME` and `password = SECRET` from a file only its owner can read (default: ~/.config/rcluster/auth, when it exists and no password is given otherwise)' -r -F
complete -c rcluster -n "__fish_rcluster_using_subcommand import" -l cacert -d 'CA certificate file to verify the nodes (with --tls)' -r -F
complete -c rcluster -n "__fish_rcluster_using_subcommand import" -l cacertdir -d 'Folder of CA certificates (with --tls)' -r -F
complete -c rcluster -n "__fish_rcluster_using_subcommand import" -l cert -d 'Client certificate (with --tls and --key)' -r -F
complete -c rcluster -n "__fish_rcluster_using_subcommand import" -l key -d 'Client private key (with --tls and --cert)' -r -F
complete -c rcluster -n "__fish_rcluster_using_subcommand import" -l sni -d 'Server name to send in the TLS handshake' -r
complete -c rcluster -n "__fish_rcluster_using_subcommand import" -l connect-timeout -d 'Bound on connecting to a node (and AUTH): `2s`, `500ms`, or milliseconds' -r
complete -c rcluster -n "__fish_rcluster_using_subcommand import" -l timeout -d 'Bound on each reply from a node: `3s`, `500ms`, or milliseconds' -r
complete -c rcluster -n "__fish_rcluster_using_subcommand import" -l events -d 'Show progress, warnings and hints on stderr as text (default) or as one JSON object a line' -r -f -a "text\t'Text for a person (a progress bar on a terminal)'
json\t'One JSON object per line (NDJSON)'"
complete -c rcluster -n "__fish_rcluster_using_subcommand import" -l from-askpass -d 'Read the source\'s password from the terminal'
complete -c rcluster -n "__fish_rcluster_using_subcommand import" -l copy -d 'Copy: leave the keys on the source too'
complete -c rcluster -n "__fish_rcluster_using_subcommand import" -l replace -d 'Overwrite keys that already exist in the cluster'
complete -c rcluster -n "__fish_rcluster_using_subcommand import" -l from-tls -d 'Connect to the source with TLS, with the `--from-*` settings below (not the cluster\'s)'
complete -c rcluster -n "__fish_rcluster_using_subcommand import" -l from-insecure -d 'Do not verify the source\'s certificates'
complete -c rcluster -n "__fish_rcluster_using_subcommand import" -l break-lock -d 'Take the cluster\'s lock even when another run holds it: for a lock left by a run killed on another host (it expires 30 s after its run stopped renewing it). Breaking the lock of a run that is still working lets two runs change the cluster at once'
complete -c rcluster -n "__fish_rcluster_using_subcommand import" -l askpass -d 'Read the password from the terminal without echo'
complete -c rcluster -n "__fish_rcluster_using_subcommand import" -l tls -d 'Connect with TLS (certificates: see --help)'
complete -c rcluster -n "__fish_rcluster_using_subcommand import" -l insecure -d 'Do not verify the nodes\' certificates'
complete -c rcluster -n "__fish_rcluster_using_subcommand import" -l json -d 'Print the result as one JSON document on stdout (also on failure; see docs/json.md)'
complete -c rcluster -n "__fish_rcluster_using_subcommand import" -s q -l quiet -d 'Print only errors and the final result'
complete -c rcluster -n "__fish_rcluster_using_subcommand import" -s v -l verbose -d 'Print more: per-node and per-slot detail (-vv for even more)'
complete -c rcluster -n "__fish_rcluster_using_subcommand import" -l no-color -d 'Never colour the output (also with NO_COLOR set, or when stdout is not a terminal)'
complete -c rcluster -n "__fish_rcluster_using_subcommand import" -l redis-cli-compat -d 'Set when the command line was given in redis-cli syntax'
complete -c rcluster -n "__fish_rcluster_using_subcommand import" -l no-auth-warning -d 'Do not warn about a password given with -a or --pass'
complete -c rcluster -n "__fish_rcluster_using_subcommand import" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rcluster -n "__fish_rcluster_using_subcommand resume" -l rate -d 'Throttle: at most this many keys per second over all sources [resume: the interrupted run\'s]' -r
complete -c rcluster -n "__fish_rcluster_using_subcommand resume" -l pipeline -d 'Keys per GETKEYSINSLOT / MIGRATE batch [default: 100; resume: the interrupted run\'s]' -r
complete -c rcluster -n "__fish_rcluster_using_subcommand resume" -l migrate-timeout -d 'MIGRATE\'s timeout: `60s`, or milliseconds' -r
complete -c rcluster -n "__fish_rcluster_using_subcommand resume" -l parallel -d 'Sources moving slots at once [default: 4; resume: the interrupted run\'s]' -r
complete -c rcluster -n "__fish_rcluster_using_subcommand resume" -l migration -d 'How slots move: `legacy` (per-slot MIGRATE, every server), `atomic` (server-side CLUSTER MIGRATESLOTS, Valkey 9+), `auto` (atomic when every master offers it and --rate is not given) [default: auto; resume: the interrupted run\'s]' -r -f -a "auto\t''
legacy\t''
atomic\t''"
complete -c rcluster -n "__fish_rcluster_using_subcommand resume" -l window -d 'Slots of one source in flight together (each protocol step pipelined for all of them, and one hand-off for the window); 1 moves one slot at a time, slower than redis-cli (each window pays a hand-off and a journal sync, docs/bench.md) [default: 256; resume: the interrupted run\'s]' -r
complete -c rcluster -n "__fish_rcluster_using_subcommand resume" -l plan-out -d 'Also write the plan to this file (JSON, with a fingerprint of the topology) for `rcluster apply`' -r -F
complete -c rcluster -n "__fish_rcluster_using_subcommand resume" -l journal -d 'The journal of the run to finish (default: the newest unfinished run of this cluster, from ~/.local/state/rcluster/journals)' -r -F
complete -c rcluster -n "__fish_rcluster_using_subcommand resume" -s a -l pass -d 'Password for every node (also from REDISCLI_AUTH)' -r
complete -c rcluster -n "__fish_rcluster_using_subcommand resume" -l user -d 'ACL user name (needs a password)' -r
complete -c rcluster -n "__fish_rcluster_using_subcommand resume" -l auth-file -d 'Read `user = NAME` and `password = SECRET` from a file only its owner can read (default: ~/.config/rcluster/auth, when it exists and no password is given otherwise)' -r -F
complete -c rcluster -n "__fish_rcluster_using_subcommand resume" -l cacert -d 'CA certificate file to verify the nodes (with --tls)' -r -F
complete -c rcluster -n "__fish_rcluster_using_subcommand resume" -l cacertdir -d 'Folder of CA certificates (with --tls)' -r -F
complete -c rcluster -n "__fish_rcluster_using_subcommand resume" -l cert -d 'Client certificate (with --tls and --key)' -r -F
complete -c rcluster -n "__fish_rcluster_using_subcommand resume" -l key -d 'Client private key (with --tls and --cert)' -r -F
complete -c rcluster -n "__fish_rcluster_using_subcommand resume" -l sni -d 'Server name to send in the TLS handshake' -r
complete -c rcluster -n "__fish_rcluster_using_subcommand resume" -l connect-timeout -d 'Bound on connecting to a node (and AUTH): `2s`, `500ms`, or milliseconds' -r
complete -c rcluster -n "__fish_rcluster_using_subcommand resume" -l timeout -d 'Bound on each reply from a node: `3s`, `500ms`, or milliseconds' -r
complete -c rcluster -n "__fish_rcluster_using_subcommand resume" -l events -d 'Show progress, warnings and hints on stderr as text (default) or as one JSON object a line' -r -f -a "text\t'Text for a person (a progress bar on a terminal)'
json\t'One JSON object per line (NDJSON)'"
complete -c rcluster -n "__fish_rcluster_using_subcommand resume" -l replace -d 'Overwrite keys that already exist on the target (otherwise equal values are merged and different ones stop the move)'
complete -c rcluster -n "__fish_rcluster_using_subcommand resume" -l raise-node-timeout -d 'When a big key\'s MIGRATE would block its source for half the cluster-node-timeout or more, raise cluster-node-timeout on every node for the move and restore it afterwards (also on error or Ctrl-C) [resume: the interrupted run\'s]'
complete -c rcluster -n "__fish_rcluster_using_subcommand resume" -l skip-big-keys -d 'Leave the slots of big keys (those that would risk a failover, or exceed the target\'s proto-max-bulk-len) where they are; the report names them [resume: the interrupted run\'s]'
complete -c rcluster -n "__fish_rcluster_using_subcommand resume" -l break-lock -d 'Take the cluster\'s lock even when another run holds it: for a lock left by a run killed on another host (it expires 30 s after its run stopped renewing it). Breaking the lock of a run that is still working lets two runs change the cluster at once'
complete -c rcluster -n "__fish_rcluster_using_subcommand resume" -l askpass -d 'Read the password from the terminal without echo'
complete -c rcluster -n "__fish_rcluster_using_subcommand resume" -l tls -d 'Connect with TLS (certificates: see --help)'
complete -c rcluster -n "__fish_rcluster_using_subcommand resume" -l insecure -d 'Do not verify the nodes\' certificates'
complete -c rcluster -n "__fish_rcluster_using_subcommand resume" -l json -d 'Print the result as one JSON document on stdout (also on failure; see docs/json.md)'
complete -c rcluster -n "__fish_rcluster_using_subcommand resume" -s q -l quiet -d 'Print only errors and the final result'
complete -c rcluster -n "__fish_rcluster_using_subcommand resume" -s v -l verbose -d 'Print more: per-node and per-slot detail (-vv for even more)'
complete -c rcluster -n "__fish_rcluster_using_subcommand resume" -l no-color -d 'Never colour the output (also with NO_COLOR set, or when stdout is not a terminal)'
complete -c rcluster -n "__fish_rcluster_using_subcommand resume" -l redis-cli-compat -d 'Set when the command line was given in redis-cli syntax'
complete -c rcluster -n "__fish_rcluster_using_subcommand resume" -l no-auth-warning -d 'Do not warn about a password given with -a or --pass'
complete -c rcluster -n "__fish_rcluster_using_subcommand resume" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rcluster -n "__fish_rcluster_using_subcommand setslot" -s a -l pass -d 'Password for every node (also from REDISCLI_AUTH)' -r
complete -c rcluster -n "__fish_rcluster_using_subcommand setslot" -l user -d 'ACL user name (needs a password)' -r
complete -c rcluster -n "__fish_rcluster_using_subcommand setslot" -l auth-file -d 'Read `user = NAME` and `password = SECRET` from a file only its owner can read (default: ~/.config/rcluster/auth, when it exists and no password is given otherwise)' -r -F
complete -c rcluster -n "__fish_rcluster_using_subcommand setslot" -l cacert -d 'CA certificate file to verify the nodes (with --tls)' -r -F
complete -c rcluster -n "__fish_rcluster_using_subcommand setslot" -l cacertdir -d 'Folder of CA certificates (with --tls)' -r -F
complete -c rcluster -n "__fish_rcluster_using_subcommand setslot" -l cert -d 'Client certificate (with --tls and --key)' -r -F
complete -c rcluster -n "__fish_rcluster_using_subcommand setslot" -l key -d 'Client private key (with --tls and --cert)' -r -F
complete -c rcluster -n "__fish_rcluster_using_subcommand setslot" -l sni -d 'Server name to send in the TLS handshake' -r
complete -c rcluster -n "__fish_rcluster_using_subcommand setslot" -l connect-timeout -d 'Bound on connecting to a node (and AUTH): `2s`, `500ms`, or milliseconds' -r
complete -c rcluster -n "__fish_rcluster_using_subcommand setslot" -l timeout -d 'Bound on each reply from a node: `3s`, `500ms`, or milliseconds' -r
complete -c rcluster -n "__fish_rcluster_using_subcommand setslot" -l events -d 'Show progress, warnings and hints on stderr as text (default) or as one JSON object a line' -r -f -a "text\t'Text for a person (a progress bar on a terminal)'
json\t'One JSON object per line (NDJSON)'"
complete -c rcluster -n "__fish_rcluster_using_subcommand setslot" -l force -d 'With `node`: send CLUSTER SETSLOT NODE to this one node only, outside the hand-off protocol (no check that the old owner is empty, no epoch rule, no other master told; docs/handoff.md). Without it, `node` hands the slot over safely, telling the new owner first and then every master'
complete -c rcluster -n "__fish_rcluster_using_subcommand setslot" -l break-lock -d 'Take the cluster\'s lock even when another run holds it: for a lock left by a run killed on another host (it expires 30 s after its run stopped renewing it). Breaking the lock of a run that is still working lets two runs change the cluster at once'
complete -c rcluster -n "__fish_rcluster_using_subcommand setslot" -l askpass -d 'Read the password from the terminal without echo'
complete -c rcluster -n "__fish_rcluster_using_subcommand setslot" -l tls -d 'Connect with TLS (certificates: see --help)'
complete -c rcluster -n "__fish_rcluster_using_subcommand setslot" -l insecure -d 'Do not verify the nodes\' certificates'
complete -c rcluster -n "__fish_rcluster_using_subcommand setslot" -l json -d 'Print the result as one JSON document on stdout (also on failure; see docs/json.md)'
complete -c rcluster -n "__fish_rcluster_using_subcommand setslot" -s q -l quiet -d 'Print only errors and the final result'
complete -c rcluster -n "__fish_rcluster_using_subcommand setslot" -s v -l verbose -d 'Print more: per-node and per-slot detail (-vv for even more)'
complete -c rcluster -n "__fish_rcluster_using_subcommand setslot" -l no-color -d 'Never colour the output (also with NO_COLOR set, or when stdout is not a terminal)'
complete -c rcluster -n "__fish_rcluster_using_subcommand setslot" -l redis-cli-compat -d 'Set when the command line was given in redis-cli syntax'
complete -c rcluster -n "__fish_rcluster_using_subcommand setslot" -l no-auth-warning -d 'Do not warn about a password given with -a or --pass'
complete -c rcluster -n "__fish_rcluster_using_subcommand setslot" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rcluster -n "__fish_rcluster_using_subcommand local; and not __fish_seen_subcommand_from up down status help" -s a -l pass -d 'Password for every node (also from REDISCLI_AUTH)' -r
complete -c rcluster -n "__fish_rcluster_using_subcommand local; and not __fish_seen_subcommand_from up down status help" -l user -d 'ACL user name (needs a password)' -r
complete -c rcluster -n "__fish_rcluster_using_subcommand local; and not __fish_seen_subcommand_from up down status help" -l auth-file -d 'Read `user = NAME` and `password = SECRET` from a file only its owner can read (default: ~/.config/rcluster/auth, when it exists and no password is given otherwise)' -r -F
complete -c rcluster -n "__fish_rcluster_using_subcommand local; and not __fish_seen_subcommand_from up down status help" -l cacert -d 'CA certificate file to verify the nodes (with --tls)' -r -F
complete -c rcluster -n "__fish_rcluster_using_subcommand local; and not __fish_seen_subcommand_from up down status help" -l cacertdir -d 'Folder of CA certificates (with --tls)' -r -F
complete -c rcluster -n "__fish_rcluster_using_subcommand local; and not __fish_seen_subcommand_from up down status help" -l cert -d 'Client certificate (with --tls and --key)' -r -F
complete -c rcluster -n "__fish_rcluster_using_subcommand local; and not __fish_seen_subcommand_from up down status help" -l key -d 'Client private key (with --tls and --cert)' -r -F
complete -c rcluster -n "__fish_rcluster_using_subcommand local; and not __fish_seen_subcommand_from up down status help" -l sni -d 'Server name to send in the TLS handshake' -r
complete -c rcluster -n "__fish_rcluster_using_subcommand local; and not __fish_seen_subcommand_from up down status help" -l connect-timeout -d 'Bound on connecting to a node (and AUTH): `2s`, `500ms`, or milliseconds' -r
complete -c rcluster -n "__fish_rcluster_using_subcommand local; and not __fish_seen_subcommand_from up down status help" -l timeout -d 'Bound on each reply from a node: `3s`, `500ms`, or milliseconds' -r
complete -c rcluster -n "__fish_rcluster_using_subcommand local; and not __fish_seen_subcommand_from up down status help" -l events -d 'Show progress, warnings and hints on stderr as text (default) or as one JSON object a line' -r -f -a "text\t'Text for a person (a progress bar on a terminal)'
json\t'One JSON object per line (NDJSON)'"
complete -c rcluster -n "__fish_rcluster_using_subcommand local; and not __fish_seen_subcommand_from up down status help" -l askpass -d 'Read the password from the terminal without echo'
complete -c rcluster -n "__fish_rcluster_using_subcommand local; and not __fish_seen_subcommand_from up down status help" -l tls -d 'Connect with TLS (certificates: see --help)'
complete -c rcluster -n "__fish_rcluster_using_subcommand local; and not __fish_seen_subcommand_from up down status help" -l insecure -d 'Do not verify the nodes\' certificates'
complete -c rcluster -n "__fish_rcluster_using_subcommand local; and not __fish_seen_subcommand_from up down status help" -l json -d 'Print the result as one JSON document on stdout (also on failure; see docs/json.md)'
complete -c rcluster -n "__fish_rcluster_using_subcommand local; and not __fish_seen_subcommand_from up down status help" -s q -l quiet -d 'Print only errors and the final result'
complete -c rcluster -n "__fish_rcluster_using_subcommand local; and not __fish_seen_subcommand_from up down status help" -s v -l verbose -d 'Print more: per-node and per-slot detail (-vv for even more)'
complete -c rcluster -n "__fish_rcluster_using_subcommand local; and not __fish_seen_subcommand_from up down status help" -l no-color -d 'Never colour the output (also with NO_COLOR set, or when stdout is not a terminal)'
complete -c rcluster -n "__fish_rcluster_using_subcommand local; and not __fish_seen_subcommand_from up down status help" -l redis-cli-compat -d 'Set when the command line was given in redis-cli syntax'
complete -c rcluster -n "__fish_rcluster_using_subcommand local; and not __fish_seen_subcommand_from up down status help" -l no-auth-warning -d 'Do not warn about a password given with -a or --pass'
complete -c rcluster -n "__fish_rcluster_using_subcommand local; and not __fish_seen_subcommand_from up down status help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rcluster -n "__fish_rcluster_using_subcommand local; and not __fish_seen_subcommand_from up down status help" -f -a "up" -d 'Start nodes on 127.0.0.1 (or 127.0.0.2, 127.0.0.3, ... with --spread-addresses), form a cluster, wait until it is healthy, print the seed address'
complete -c rcluster -n "__fish_rcluster_using_subcommand local; and not __fish_seen_subcommand_from up down status help" -f -a "down" -d 'Stop the nodes `up` started (by their pid files) and nothing else'
complete -c rcluster -n "__fish_rcluster_using_subcommand local; and not __fish_seen_subcommand_from up down status help" -f -a "status" -d 'List the nodes `up` started and whether they run'
complete -c rcluster -n "__fish_rcluster_using_subcommand local; and not __fish_seen_subcommand_from up down status help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c rcluster -n "__fish_rcluster_using_subcommand local; and __fish_seen_subcommand_from up" -l masters -d 'Number of masters' -r
complete -c rcluster -n "__fish_rcluster_using_subcommand local; and __fish_seen_subcommand_from up" -l replicas -d 'Replicas per master' -r
complete -c rcluster -n "__fish_rcluster_using_subcommand local; and __fish_seen_subcommand_from up" -l port -d 'First port (the nodes use consecutive ports; bus ports are +10000)' -r
complete -c rcluster -n "__fish_rcluster_using_subcommand local; and __fish_seen_subcommand_from up" -l server-bin -d 'Server binary, e.g. valkey-server or a path' -r
complete -c rcluster -n "__fish_rcluster_using_subcommand local; and __fish_seen_subcommand_from up" -l node-timeout -d 'cluster-node-timeout of every node, in milliseconds' -r
complete -c rcluster -n "__fish_rcluster_using_subcommand local; and __fish_seen_subcommand_from up" -l state-dir -d 'Folder for the nodes\' files and pid files' -r -F
complete -c rcluster -n "__fish_rcluster_using_subcommand local; and __fish_seen_subcommand_from up" -l databases -d 'Numbered databases per node in cluster mode (`cluster-databases`; Valkey 9 or later)' -r
complete -c rcluster -n "__fish_rcluster_using_subcommand local; and __fish_seen_subcommand_from up" -s a -l pass -d 'Password for every node (also from REDISCLI_AUTH)' -r
complete -c rcluster -n "__fish_rcluster_using_subcommand local; and __fish_seen_subcommand_from up" -l user -d 'ACL user name (needs a password)' -r
complete -c rcluster -n "__fish_rcluster_using_subcommand local; and __fish_seen_subcommand_from up" -l auth-file -d 'Read `user = NAME` and `password = SECRET` from a file only its owner can read (default: ~/.config/rcluster/auth, when it exists and no password is given otherwise)' -r -F
complete -c rcluster -n "__fish_rcluster_using_subcommand local; and __fish_seen_subcommand_from up" -l cacert -d 'CA certificate file to verify the nodes (with --tls)' -r -F
complete -c rcluster -n "__fish_rcluster_using_subcommand local; and __fish_seen_subcommand_from up" -l cacertdir -d 'Folder of CA certificates (with --tls)' -r -F
complete -c rcluster -n "__fish_rcluster_using_subcommand local; and __fish_seen_subcommand_from up" -l cert -d 'Client certificate (with --tls and --key)' -r -F
complete -c rcluster -n "__fish_rcluster_using_subcommand local; and __fish_seen_subcommand_from up" -l key -d 'Client private key (with --tls and --cert)' -r -F
complete -c rcluster -n "__fish_rcluster_using_subcommand local; and __fish_seen_subcommand_from up" -l sni -d 'Server name to send in the TLS handshake' -r
complete -c rcluster -n "__fish_rcluster_using_subcommand local; and __fish_seen_subcommand_from up" -l connect-timeout -d 'Bound on connecting to a node (and AUTH): `2s`, `500ms`, or milliseconds' -r
complete -c rcluster -n "__fish_rcluster_using_subcommand local; and __fish_seen_subcommand_from up" -l timeout -d 'Bound on each reply from a node: `3s`, `500ms`, or milliseconds' -r
complete -c rcluster -n "__fish_rcluster_using_subcommand local; and __fish_seen_subcommand_from up" -l events -d 'Show progress, warnings and hints on stderr as text (default) or as one JSON object a line' -r -f -a "text\t'Text for a person (a progress bar on a terminal)'
json\t'One JSON object per line (NDJSON)'"
complete -c rcluster -n "__fish_rcluster_using_subcommand local; and __fish_seen_subcommand_from up" -l no-create -d 'Start empty cluster-mode nodes and do not form a cluster (to try `create`)'
complete -c rcluster -n "__fish_rcluster_using_subcommand local; and __fish_seen_subcommand_from up" -l spread-addresses -d 'Node i binds, announces and connects out from its own loopback address (127.0.0.2, 127.0.0.3, ...), so `failover --drill --partition` can cut one off with firewall rules'
complete -c rcluster -n "__fish_rcluster_using_subcommand local; and __fish_seen_subcommand_from up" -l askpass -d 'Read the password from the terminal without echo'
complete -c rcluster -n "__fish_rcluster_using_subcommand local; and __fish_seen_subcommand_from up" -l tls -d 'Connect with TLS (certificates: see --help)'
complete -c rcluster -n "__fish_rcluster_using_subcommand local; and __fish_seen_subcommand_from up" -l insecure -d 'Do not verify the nodes\' certificates'
complete -c rcluster -n "__fish_rcluster_using_subcommand local; and __fish_seen_subcommand_from up" -l json -d 'Print the result as one JSON document on stdout (also on failure; see docs/json.md)'
complete -c rcluster -n "__fish_rcluster_using_subcommand local; and __fish_seen_subcommand_from up" -s q -l quiet -d 'Print only errors and the final result'
complete -c rcluster -n "__fish_rcluster_using_subcommand local; and __fish_seen_subcommand_from up" -s v -l verbose -d 'Print more: per-node and per-slot detail (-vv for even more)'
complete -c rcluster -n "__fish_rcluster_using_subcommand local; and __fish_seen_subcommand_from up" -l no-color -d 'Never colour the output (also with NO_COLOR set, or when stdout is not a terminal)'
complete -c rcluster -n "__fish_rcluster_using_subcommand local; and __fish_seen_subcommand_from up" -l redis-cli-compat -d 'Set when the command line was given in redis-cli syntax'
complete -c rcluster -n "__fish_rcluster_using_subcommand local; and __fish_seen_subcommand_from up" -l no-auth-warning -d 'Do not warn about a password given with -a or --pass'
complete -c rcluster -n "__fish_rcluster_using_subcommand local; and __fish_seen_subcommand_from up" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rcluster -n "__fish_rcluster_using_subcommand local; and __fish_seen_subcommand_from down" -l state-dir -d 'The folder `up` used (default: the same default as `up`)' -r -F
complete -c rcluster -n "__fish_rcluster_using_subcommand local; and __fish_seen_subcommand_from down" -s a -l pass -d 'Password for every node (also from REDISCLI_AUTH)' -r
complete -c rcluster -n "__fish_rcluster_using_subcommand local; and __fish_seen_subcommand_from down" -l user -d 'ACL user name (needs a password)' -r
complete -c rcluster -n "__fish_rcluster_using_subcommand local; and __fish_seen_subcommand_from down" -l auth-file -d 'Read `user = NAME` and `password = SECRET` from a file only its owner can read (default: ~/.config/rcluster/auth, when it exists and no password is given otherwise)' -r -F
complete -c rcluster -n "__fish_rcluster_using_subcommand local; and __fish_seen_subcommand_from down" -l cacert -d 'CA certificate file to verify the nodes (with --tls)' -r -F
complete -c rcluster -n "__fish_rcluster_using_subcommand local; and __fish_seen_subcommand_from down" -l cacertdir -d 'Folder of CA certificates (with --tls)' -r -F
complete -c rcluster -n "__fish_rcluster_using_subcommand local; and __fish_seen_subcommand_from down" -l cert -d 'Client certificate (with --tls and --key)' -r -F
complete -c rcluster -n "__fish_rcluster_using_subcommand local; and __fish_seen_subcommand_from down" -l key -d 'Client private key (with --tls and --cert)' -r -F
complete -c rcluster -n "__fish_rcluster_using_subcommand local; and __fish_seen_subcommand_from down" -l sni -d 'Server name to send in the TLS handshake' -r
complete -c rcluster -n "__fish_rcluster_using_subcommand local; and __fish_seen_subcommand_from down" -l connect-timeout -d 'Bound on connecting to a node (and AUTH): `2s`, `500ms`, or milliseconds' -r
complete -c rcluster -n "__fish_rcluster_using_subcommand local; and __fish_seen_subcommand_from down" -l timeout -d 'Bound on each reply from a node: `3s`, `500ms`, or milliseconds' -r
complete -c rcluster -n "__fish_rcluster_using_subcommand local; and __fish_seen_subcommand_from down" -l events -d 'Show progress, warnings and hints on stderr as text (default) or as one JSON object a line' -r -f -a "text\t'Text for a person (a progress bar on a terminal)'
json\t'One JSON object per line (NDJSON)'"
complete -c rcluster -n "__fish_rcluster_using_subcommand local; and __fish_seen_subcommand_from down" -l askpass -d 'Read the password from the terminal without echo'
complete -c rcluster -n "__fish_rcluster_using_subcommand local; and __fish_seen_subcommand_from down" -l tls -d 'Connect with TLS (certificates: see --help)'
complete -c rcluster -n "__fish_rcluster_using_subcommand local; and __fish_seen_subcommand_from down" -l insecure -d 'Do not verify the nodes\' certificates'
complete -c rcluster -n "__fish_rcluster_using_subcommand local; and __fish_seen_subcommand_from down" -l json -d 'Print the result as one JSON document on stdout (also on failure; see docs/json.md)'
complete -c rcluster -n "__fish_rcluster_using_subcommand local; and __fish_seen_subcommand_from down" -s q -l quiet -d 'Print only errors and the final result'
complete -c rcluster -n "__fish_rcluster_using_subcommand local; and __fish_seen_subcommand_from down" -s v -l verbose -d 'Print more: per-node and per-slot detail (-vv for even more)'
complete -c rcluster -n "__fish_rcluster_using_subcommand local; and __fish_seen_subcommand_from down" -l no-color -d 'Never colour the output (also with NO_COLOR set, or when stdout is not a terminal)'
complete -c rcluster -n "__fish_rcluster_using_subcommand local; and __fish_seen_subcommand_from down" -l redis-cli-compat -d 'Set when the command line was given in redis-cli syntax'
complete -c rcluster -n "__fish_rcluster_using_subcommand local; and __fish_seen_subcommand_from down" -l no-auth-warning -d 'Do not warn about a password given with -a or --pass'
complete -c rcluster -n "__fish_rcluster_using_subcommand local; and __fish_seen_subcommand_from down" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rcluster -n "__fish_rcluster_using_subcommand local; and __fish_seen_subcommand_from status" -l state-dir -d 'The folder `up` used (default: the same default as `up`)' -r -F
complete -c rcluster -n "__fish_rcluster_using_subcommand local; and __fish_seen_subcommand_from status" -s a -l pass -d 'Password for every node (also from REDISCLI_AUTH)' -r
complete -c rcluster -n "__fish_rcluster_using_subcommand local; and __fish_seen_subcommand_from status" -l user -d 'ACL user name (needs a password)' -r
complete -c rcluster -n "__fish_rcluster_using_subcommand local; and __fish_seen_subcommand_from status" -l auth-file -d 'Read `user = NAME` and `password = SECRET` from a file only its owner can read (default: ~/.config/rcluster/auth, when it exists and no password is given otherwise)' -r -F
complete -c rcluster -n "__fish_rcluster_using_subcommand local; and __fish_seen_subcommand_from status" -l cacert -d 'CA certificate file to verify the nodes (with --tls)' -r -F
complete -c rcluster -n "__fish_rcluster_using_subcommand local; and __fish_seen_subcommand_from status" -l cacertdir -d 'Folder of CA certificates (with --tls)' -r -F
complete -c rcluster -n "__fish_rcluster_using_subcommand local; and __fish_seen_subcommand_from status" -l cert -d 'Client certificate (with --tls and --key)' -r -F
complete -c rcluster -n "__fish_rcluster_using_subcommand local; and __fish_seen_subcommand_from status" -l key -d 'Client private key (with --tls and --cert)' -r -F
complete -c rcluster -n "__fish_rcluster_using_subcommand local; and __fish_seen_subcommand_from status" -l sni -d 'Server name to send in the TLS handshake' -r
complete -c rcluster -n "__fish_rcluster_using_subcommand local; and __fish_seen_subcommand_from status" -l connect-timeout -d 'Bound on connecting to a node (and AUTH): `2s`, `500ms`, or milliseconds' -r
complete -c rcluster -n "__fish_rcluster_using_subcommand local; and __fish_seen_subcommand_from status" -l timeout -d 'Bound on each reply from a node: `3s`, `500ms`, or milliseconds' -r
complete -c rcluster -n "__fish_rcluster_using_subcommand local; and __fish_seen_subcommand_from status" -l events -d 'Show progress, warnings and hints on stderr as text (default) or as one JSON object a line' -r -f -a "text\t'Text for a person (a progress bar on a terminal)'
json\t'One JSON object per line (NDJSON)'"
complete -c rcluster -n "__fish_rcluster_using_subcommand local; and __fish_seen_subcommand_from status" -l askpass -d 'Read the password from the terminal without echo'
complete -c rcluster -n "__fish_rcluster_using_subcommand local; and __fish_seen_subcommand_from status" -l tls -d 'Connect with TLS (certificates: see --help)'
complete -c rcluster -n "__fish_rcluster_using_subcommand local; and __fish_seen_subcommand_from status" -l insecure -d 'Do not verify the nodes\' certificates'
complete -c rcluster -n "__fish_rcluster_using_subcommand local; and __fish_seen_subcommand_from status" -l json -d 'Print the result as one JSON document on stdout (also on failure; see docs/json.md)'
complete -c rcluster -n "__fish_rcluster_using_subcommand local; and __fish_seen_subcommand_from status" -s q -l quiet -d 'Print only errors and the final result'
complete -c rcluster -n "__fish_rcluster_using_subcommand local; and __fish_seen_subcommand_from status" -s v -l verbose -d 'Print more: per-node and per-slot detail (-vv for even more)'
complete -c rcluster -n "__fish_rcluster_using_subcommand local; and __fish_seen_subcommand_from status" -l no-color -d 'Never colour the output (also with NO_COLOR set, or when stdout is not a terminal)'
complete -c rcluster -n "__fish_rcluster_using_subcommand local; and __fish_seen_subcommand_from status" -l redis-cli-compat -d 'Set when the command line was given in redis-cli syntax'
complete -c rcluster -n "__fish_rcluster_using_subcommand local; and __fish_seen_subcommand_from status" -l no-auth-warning -d 'Do not warn about a password given with -a or --pass'
complete -c rcluster -n "__fish_rcluster_using_subcommand local; and __fish_seen_subcommand_from status" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rcluster -n "__fish_rcluster_using_subcommand local; and __fish_seen_subcommand_from help" -f -a "up" -d 'Start nodes on 127.0.0.1 (or 127.0.0.2, 127.0.0.3, ... with --spread-addresses), form a cluster, wait until it is healthy, print the seed address'
complete -c rcluster -n "__fish_rcluster_using_subcommand local; and __fish_seen_subcommand_from help" -f -a "down" -d 'Stop the nodes `up` started (by their pid files) and nothing else'
complete -c rcluster -n "__fish_rcluster_using_subcommand local; and __fish_seen_subcommand_from help" -f -a "status" -d 'List the nodes `up` started and whether they run'
complete -c rcluster -n "__fish_rcluster_using_subcommand local; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c rcluster -n "__fish_rcluster_using_subcommand completions" -s a -l pass -d 'Password for every node (also from REDISCLI_AUTH)' -r
complete -c rcluster -n "__fish_rcluster_using_subcommand completions" -l user -d 'ACL user name (needs a password)' -r
complete -c rcluster -n "__fish_rcluster_using_subcommand completions" -l auth-file -d 'Read `user = NAME` and `password = SECRET` from a file only its owner can read (default: ~/.config/rcluster/auth, when it exists and no password is given otherwise)' -r -F
complete -c rcluster -n "__fish_rcluster_using_subcommand completions" -l cacert -d 'CA certificate file to verify the nodes (with --tls)' -r -F
complete -c rcluster -n "__fish_rcluster_using_subcommand completions" -l cacertdir -d 'Folder of CA certificates (with --tls)' -r -F
complete -c rcluster -n "__fish_rcluster_using_subcommand completions" -l cert -d 'Client certificate (with --tls and --key)' -r -F
complete -c rcluster -n "__fish_rcluster_using_subcommand completions" -l key -d 'Client private key (with --tls and --cert)' -r -F
complete -c rcluster -n "__fish_rcluster_using_subcommand completions" -l sni -d 'Server name to send in the TLS handshake' -r
complete -c rcluster -n "__fish_rcluster_using_subcommand completions" -l connect-timeout -d 'Bound on connecting to a node (and AUTH): `2s`, `500ms`, or milliseconds' -r
complete -c rcluster -n "__fish_rcluster_using_subcommand completions" -l timeout -d 'Bound on each reply from a node: `3s`, `500ms`, or milliseconds' -r
complete -c rcluster -n "__fish_rcluster_using_subcommand completions" -l events -d 'Show progress, warnings and hints on stderr as text (default) or as one JSON object a line' -r -f -a "text\t'Text for a person (a progress bar on a terminal)'
json\t'One JSON object per line (NDJSON)'"
complete -c rcluster -n "__fish_rcluster_using_subcommand completions" -l askpass -d 'Read the password from the terminal without echo'
complete -c rcluster -n "__fish_rcluster_using_subcommand completions" -l tls -d 'Connect with TLS (certificates: see --help)'
complete -c rcluster -n "__fish_rcluster_using_subcommand completions" -l insecure -d 'Do not verify the nodes\' certificates'
complete -c rcluster -n "__fish_rcluster_using_subcommand completions" -l json -d 'Print the result as one JSON document on stdout (also on failure; see docs/json.md)'
complete -c rcluster -n "__fish_rcluster_using_subcommand completions" -s q -l quiet -d 'Print only errors and the final result'
complete -c rcluster -n "__fish_rcluster_using_subcommand completions" -s v -l verbose -d 'Print more: per-node and per-slot detail (-vv for even more)'
complete -c rcluster -n "__fish_rcluster_using_subcommand completions" -l no-color -d 'Never colour the output (also with NO_COLOR set, or when stdout is not a terminal)'
complete -c rcluster -n "__fish_rcluster_using_subcommand completions" -l redis-cli-compat -d 'Set when the command line was given in redis-cli syntax'
complete -c rcluster -n "__fish_rcluster_using_subcommand completions" -l no-auth-warning -d 'Do not warn about a password given with -a or --pass'
complete -c rcluster -n "__fish_rcluster_using_subcommand completions" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rcluster -n "__fish_rcluster_using_subcommand help; and not __fish_seen_subcommand_from create check doctor info add-node del-node call set-timeout apply rebalance reshard fix backup restore failover metrics watch import resume setslot local completions help" -f -a "create" -d 'Form a new cluster from empty nodes, with zone-aware replica placement'
complete -c rcluster -n "__fish_rcluster_using_subcommand help; and not __fish_seen_subcommand_from create check doctor info add-node del-node call set-timeout apply rebalance reshard fix backup restore failover metrics watch import resume setslot local completions help" -f -a "check" -d 'Check the cluster: slot agreement, open slots, coverage, node health, replica placement'
complete -c rcluster -n "__fish_rcluster_using_subcommand help; and not __fish_seen_subcommand_from create check doctor info add-node del-node call set-timeout apply rebalance reshard fix backup restore failover metrics watch import resume setslot local completions help" -f -a "doctor" -d 'Check, then explain every finding (what it means, why it happens) and the commands that fix it'
complete -c rcluster -n "__fish_rcluster_using_subcommand help; and not __fish_seen_subcommand_from create check doctor info add-node del-node call set-timeout apply rebalance reshard fix backup restore failover metrics watch import resume setslot local completions help" -f -a "info" -d 'Keys, slots and replicas per master'
complete -c rcluster -n "__fish_rcluster_using_subcommand help; and not __fish_seen_subcommand_from create check doctor info add-node del-node call set-timeout apply rebalance reshard fix backup restore failover metrics watch import resume setslot local completions help" -f -a "add-node" -d 'Add an empty node as a master or, with --replica, as a replica'
complete -c rcluster -n "__fish_rcluster_using_subcommand help; and not __fish_seen_subcommand_from create check doctor info add-node del-node call set-timeout apply rebalance reshard fix backup restore failover metrics watch import resume setslot local completions help" -f -a "del-node" -d 'Remove a node that owns no slots (also a dead or unreachable one)'
complete -c rcluster -n "__fish_rcluster_using_subcommand help; and not __fish_seen_subcommand_from create check doctor info add-node del-node call set-timeout apply rebalance reshard fix backup restore failover metrics watch import resume setslot local completions help" -f -a "call" -d 'Run a command on every node (or only masters / replicas) at once'
complete -c rcluster -n "__fish_rcluster_using_subcommand help; and not __fish_seen_subcommand_from create check doctor info add-node del-node call set-timeout apply rebalance reshard fix backup restore failover metrics watch import resume setslot local completions help" -f -a "set-timeout" -d 'Set cluster-node-timeout on every node (CONFIG SET + CONFIG REWRITE)'
complete -c rcluster -n "__fish_rcluster_using_subcommand help; and not __fish_seen_subcommand_from create check doctor info add-node del-node call set-timeout apply rebalance reshard fix backup restore failover metrics watch import resume setslot local completions help" -f -a "apply" -d 'Carry out a plan file written by reshard/rebalance --plan-out, if the cluster has not changed'
complete -c rcluster -n "__fish_rcluster_using_subcommand help; and not __fish_seen_subcommand_from create check doctor info add-node del-node call set-timeout apply rebalance reshard fix backup restore failover metrics watch import resume setslot local completions help" -f -a "rebalance" -d 'Give every master its weighted share of the slots (weight 0 empties a master)'
complete -c rcluster -n "__fish_rcluster_using_subcommand help; and not __fish_seen_subcommand_from create check doctor info add-node del-node call set-timeout apply rebalance reshard fix backup restore failover metrics watch import resume setslot local completions help" -f -a "reshard" -d 'Move slots to a master from others (exactly the number asked for, several sources at once)'
complete -c rcluster -n "__fish_rcluster_using_subcommand help; and not __fish_seen_subcommand_from create check doctor info add-node del-node call set-timeout apply rebalance reshard fix backup restore failover metrics watch import resume setslot local completions help" -f -a "fix" -d 'Repair open, uncovered and multiply-owned slots: shows the plan and why, then carries it out'
complete -c rcluster -n "__fish_rcluster_using_subcommand help; and not __fish_seen_subcommand_from create check doctor info add-node del-node call set-timeout apply rebalance reshard fix backup restore failover metrics watch import resume setslot local completions help" -f -a "backup" -d 'Save every master\'s RDB (SYNC, all at once) and nodes.json into a folder'
complete -c rcluster -n "__fish_rcluster_using_subcommand help; and not __fish_seen_subcommand_from create check doctor info add-node del-node call set-timeout apply rebalance reshard fix backup restore failover metrics watch import resume setslot local completions help" -f -a "restore" -d 'Restore a backup into a running cluster of any shape (verified against its manifest first)'
complete -c rcluster -n "__fish_rcluster_using_subcommand help; and not __fish_seen_subcommand_from create check doctor info add-node del-node call set-timeout apply rebalance reshard fix backup restore failover metrics watch import resume setslot local completions help" -f -a "failover" -d 'Promote a replica (CLUSTER FAILOVER) and wait until its old master follows it and every node agrees'
complete -c rcluster -n "__fish_rcluster_using_subcommand help; and not __fish_seen_subcommand_from create check doctor info add-node del-node call set-timeout apply rebalance reshard fix backup restore failover metrics watch import resume setslot local completions help" -f -a "metrics" -d 'Prometheus exporter: every node\'s state, memory, ops/s and the cluster\'s slots, on /metrics'
complete -c rcluster -n "__fish_rcluster_using_subcommand help; and not __fish_seen_subcommand_from create check doctor info add-node del-node call set-timeout apply rebalance reshard fix backup restore failover metrics watch import resume setslot local completions help" -f -a "watch" -d 'The cluster live in the terminal: masters, replicas, failing nodes, open slots (q quits)'
complete -c rcluster -n "__fish_rcluster_using_subcommand help; and not __fish_seen_subcommand_from create check doctor info add-node del-node call set-timeout apply rebalance reshard fix backup restore failover metrics watch import resume setslot local completions help" -f -a "import" -d 'Move every key of a standalone server\'s database (or of another cluster) into the cluster, batched per owner'
complete -c rcluster -n "__fish_rcluster_using_subcommand help; and not __fish_seen_subcommand_from create check doctor info add-node del-node call set-timeout apply rebalance reshard fix backup restore failover metrics watch import resume setslot local completions help" -f -a "resume" -d 'Finish an interrupted reshard, rebalance or apply forward, from its journal'
complete -c rcluster -n "__fish_rcluster_using_subcommand help; and not __fish_seen_subcommand_from create check doctor info add-node del-node call set-timeout apply rebalance reshard fix backup restore failover metrics watch import resume setslot local completions help" -f -a "setslot" -d 'Low-level CLUSTER SETSLOT on one node; `node` hands the slot over safely (every master told)'
complete -c rcluster -n "__fish_rcluster_using_subcommand help; and not __fish_seen_subcommand_from create check doctor info add-node del-node call set-timeout apply rebalance reshard fix backup restore failover metrics watch import resume setslot local completions help" -f -a "local" -d 'A throwaway cluster on this machine'
complete -c rcluster -n "__fish_rcluster_using_subcommand help; and not __fish_seen_subcommand_from create check doctor info add-node del-node call set-timeout apply rebalance reshard fix backup restore failover metrics watch import resume setslot local completions help" -f -a "completions" -d 'Print a shell completion script'
complete -c rcluster -n "__fish_rcluster_using_subcommand help; and not __fish_seen_subcommand_from create check doctor info add-node del-node call set-timeout apply rebalance reshard fix backup restore failover metrics watch import resume setslot local completions help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c rcluster -n "__fish_rcluster_using_subcommand help; and __fish_seen_subcommand_from local" -f -a "up" -d 'Start nodes on 127.0.0.1 (or 127.0.0.2, 127.0.0.3, ... with --spread-addresses), form a cluster, wait until it is healthy, print the seed address'
complete -c rcluster -n "__fish_rcluster_using_subcommand help; and __fish_seen_subcommand_from local" -f -a "down" -d 'Stop the nodes `up` started (by their pid files) and nothing else'
complete -c rcluster -n "__fish_rcluster_using_subcommand help; and __fish_seen_subcommand_from local" -f -a "status" -d 'List the nodes `up` started and whether they run'

# redis-cli syntax: rcluster --cluster SUBCOMMAND ARGS --cluster-OPTION ...
complete -c rcluster -l cluster -d 'redis-cli syntax' -x -a 'create check info fix reshard rebalance add-node del-node call set-timeout import backup help'
complete -c rcluster -n '__fish_seen_argument -l cluster; and __fish_seen_subcommand_from create' -l cluster-replicas
complete -c rcluster -n '__fish_seen_argument -l cluster; and __fish_seen_subcommand_from create' -l cluster-yes
complete -c rcluster -n '__fish_seen_argument -l cluster; and __fish_seen_subcommand_from check' -l cluster-search-multiple-owners
complete -c rcluster -n '__fish_seen_argument -l cluster; and __fish_seen_subcommand_from fix' -l cluster-yes
complete -c rcluster -n '__fish_seen_argument -l cluster; and __fish_seen_subcommand_from fix' -l cluster-timeout
complete -c rcluster -n '__fish_seen_argument -l cluster; and __fish_seen_subcommand_from fix' -l cluster-pipeline
complete -c rcluster -n '__fish_seen_argument -l cluster; and __fish_seen_subcommand_from fix' -l cluster-replace
complete -c rcluster -n '__fish_seen_argument -l cluster; and __fish_seen_subcommand_from fix' -l cluster-search-multiple-owners
complete -c rcluster -n '__fish_seen_argument -l cluster; and __fish_seen_subcommand_from fix' -l cluster-fix-with-unreachable-masters
complete -c rcluster -n '__fish_seen_argument -l cluster; and __fish_seen_subcommand_from reshard' -l cluster-yes
complete -c rcluster -n '__fish_seen_argument -l cluster; and __fish_seen_subcommand_from reshard' -l cluster-from
complete -c rcluster -n '__fish_seen_argument -l cluster; and __fish_seen_subcommand_from reshard' -l cluster-to
complete -c rcluster -n '__fish_seen_argument -l cluster; and __fish_seen_subcommand_from reshard' -l cluster-slots
complete -c rcluster -n '__fish_seen_argument -l cluster; and __fish_seen_subcommand_from reshard' -l cluster-timeout
complete -c rcluster -n '__fish_seen_argument -l cluster; and __fish_seen_subcommand_from reshard' -l cluster-pipeline
complete -c rcluster -n '__fish_seen_argument -l cluster; and __fish_seen_subcommand_from reshard' -l cluster-replace
complete -c rcluster -n '__fish_seen_argument -l cluster; and __fish_seen_subcommand_from reshard' -l cluster-use-atomic-slot-migration
complete -c rcluster -n '__fish_seen_argument -l cluster; and __fish_seen_subcommand_from rebalance' -l cluster-timeout
complete -c rcluster -n '__fish_seen_argument -l cluster; and __fish_seen_subcommand_from rebalance' -l cluster-pipeline
complete -c rcluster -n '__fish_seen_argument -l cluster; and __fish_seen_subcommand_from rebalance' -l cluster-replace
complete -c rcluster -n '__fish_seen_argument -l cluster; and __fish_seen_subcommand_from rebalance' -l cluster-weight
complete -c rcluster -n '__fish_seen_argument -l cluster; and __fish_seen_subcommand_from rebalance' -l cluster-use-empty-masters
complete -c rcluster -n '__fish_seen_argument -l cluster; and __fish_seen_subcommand_from rebalance' -l cluster-simulate
complete -c rcluster -n '__fish_seen_argument -l cluster; and __fish_seen_subcommand_from rebalance' -l cluster-threshold
complete -c rcluster -n '__fish_seen_argument -l cluster; and __fish_seen_subcommand_from rebalance' -l cluster-use-atomic-slot-migration
complete -c rcluster -n '__fish_seen_argument -l cluster; and __fish_seen_subcommand_from add-node' -l cluster-slave
complete -c rcluster -n '__fish_seen_argument -l cluster; and __fish_seen_subcommand_from add-node' -l cluster-master-id
complete -c rcluster -n '__fish_seen_argument -l cluster; and __fish_seen_subcommand_from call' -l cluster-only-masters
complete -c rcluster -n '__fish_seen_argument -l cluster; and __fish_seen_subcommand_from call' -l cluster-only-replicas
complete -c rcluster -n '__fish_seen_argument -l cluster; and __fish_seen_subcommand_from import' -l cluster-from
complete -c rcluster -n '__fish_seen_argument -l cluster; and __fish_seen_subcommand_from import' -l cluster-timeout
complete -c rcluster -n '__fish_seen_argument -l cluster; and __fish_seen_subcommand_from import' -l cluster-replace
complete -c rcluster -n '__fish_seen_argument -l cluster; and __fish_seen_subcommand_from import' -l cluster-from-user
complete -c rcluster -n '__fish_seen_argument -l cluster; and __fish_seen_subcommand_from import' -l cluster-from-pass
complete -c rcluster -n '__fish_seen_argument -l cluster; and __fish_seen_subcommand_from import' -l cluster-from-askpass
complete -c rcluster -n '__fish_seen_argument -l cluster; and __fish_seen_subcommand_from import' -l cluster-copy
