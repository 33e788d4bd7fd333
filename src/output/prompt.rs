//! Asking for consent. The question goes where the mode puts prompts (stdout in redis-cli syntax, as
//! redis-cli does; stderr otherwise, stdout being data); the answer is one line from stdin. Only an
//! answer starting with `yes` accepts; a closed stdin declines, it never loops.

use std::io::BufRead;

/// Asks `question` and reads the answer.
pub fn confirm(redis_cli: bool, question: &str) -> bool {
    read_answer(redis_cli, &format!("{question} (type 'yes' to accept): "))
        .is_some_and(|answer| answer.starts_with("yes"))
}

/// Shows `prompt` as it is and reads one line (without its line end); `None` when stdin is closed.
pub fn read_answer(redis_cli: bool, prompt: &str) -> Option<String> {
    if redis_cli {
        super::write_stdout(prompt);
    } else {
        super::write_stderr(prompt);
    }
    let mut answer = String::new();
    match std::io::stdin().lock().read_line(&mut answer) {
        Ok(0) | Err(_) => None,
        Ok(_) => Some(answer.trim_end_matches(['\r', '\n']).to_string()),
    }
}
