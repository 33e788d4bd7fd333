//! Asking for consent. The question goes where the mode puts prompts (stdout in redis-cli syntax, as
//! redis-cli does; stderr otherwise, stdout being data); the answer is one line from stdin. Only an
//! answer starting with `yes` accepts; a closed stdin declines, it never loops.

use std::io::{BufRead, Write};

/// Asks `question` and reads the answer.
pub fn confirm(output: &super::Output, question: &str) -> bool {
    ask(output, &format!("{question} (type 'yes' to accept): "))
}

/// Shows `prompt` as it is and reads the answer.
pub fn ask(output: &super::Output, prompt: &str) -> bool {
    read_answer(output, prompt).is_some_and(|answer| answer.starts_with("yes"))
}

/// Shows `prompt` as it is and reads one line (without its line end); `None` when stdin is closed.
pub fn read_answer(output: &super::Output, prompt: &str) -> Option<String> {
    if output.compat {
        super::write_stdout(prompt);
    } else {
        let mut stderr = std::io::stderr().lock();
        let _ = stderr
            .write_all(prompt.as_bytes())
            .and_then(|_| stderr.flush());
    }
    let mut answer = String::new();
    match std::io::stdin().lock().read_line(&mut answer) {
        Ok(0) | Err(_) => None,
        Ok(_) => Some(answer.trim_end_matches(['\r', '\n']).to_string()),
    }
}
