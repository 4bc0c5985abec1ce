//! "Copy as curl": a request as a `curl` command that a shell runs as exactly that request.
//!
//! Why the care: a tenant writes the URL, the header values and the body (templates), and an
//! operator pastes the command into a terminal. So every word is read literally by sh, bash, zsh
//! and fish alike: plain text inside single quotes; `'` and `\` outside them, escaped with a
//! backslash (fish would read both specially inside quotes); control characters, which a
//! terminal acts on when pasted (ESC sequences that end a bracketed paste, DEL, Ctrl-U, a tab
//! that completes), written as `"$(printf '\ooo')"` so that only printable text is pasted. A
//! newline stays as it is: inside quotes it only continues the word. NUL cannot be in a shell
//! argument at all; it becomes U+FFFD, as the attempt log stores it anyway.
//!
//! curl itself is told to take text as text: `--data-raw` (a body starting with `@` must not
//! read a local file), `--globoff` (`[` and `{` in a URL must not expand into several requests)
//! and `--url` (a URL starting with `-` must not read as an option).

use std::fmt::Write;

use leptos::prelude::*;

use super::CopyButton;

/// The whole command, one option per line.
pub fn curl_command(method: &str, url: &str, headers: &[(String, String)], body: &str) -> String {
    // `--request HEAD` would wait for a body that never comes.
    let mut lines = vec![if method.eq_ignore_ascii_case("HEAD") {
        format!("curl --globoff --head --url {}", shell_word(url))
    } else {
        format!(
            "curl --globoff --request {} --url {}",
            shell_word(method),
            shell_word(url)
        )
    }];
    for (name, value) in headers {
        // `name:` alone would remove the header; `name;` sends it empty.
        let header = if value.is_empty() {
            format!("{name};")
        } else {
            format!("{name}: {value}")
        };
        lines.push(format!("--header {}", shell_word(&header)));
    }
    if !body.is_empty() {
        lines.push(format!("--data-raw {}", shell_word(body)));
    }
    lines.join(" \\\n  ")
}

/// Which kind of quoting is open while a word is written.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Open {
    Nothing,
    /// `'…`, for printable text.
    Quote,
    /// `"$(printf '…`, for control characters as octal escapes.
    Printf,
}

impl Open {
    fn start(self) -> &'static str {
        match self {
            Open::Nothing => "",
            Open::Quote => "'",
            Open::Printf => "\"$(printf '",
        }
    }

    fn end(self) -> &'static str {
        match self {
            Open::Nothing => "",
            Open::Quote => "'",
            Open::Printf => "')\"",
        }
    }
}

/// One shell word that reads back as exactly `text` (see the module's notes); left bare when it
/// holds only characters no shell treats specially.
pub fn shell_word(text: &str) -> String {
    let plain = |c: char| c.is_ascii_alphanumeric() || "_-./:,@+".contains(c);
    if !text.is_empty() && text.chars().all(plain) {
        return text.to_owned();
    }
    let mut word = String::new();
    let mut open = Open::Nothing;
    let mut switch = |word: &mut String, to: Open| {
        if open != to {
            word.push_str(open.end());
            word.push_str(to.start());
            open = to;
        }
    };
    for c in text.chars() {
        match c {
            '\'' | '\\' => {
                switch(&mut word, Open::Nothing);
                word.push('\\');
                word.push(c);
            }
            '\0' => {
                switch(&mut word, Open::Quote);
                word.push(char::REPLACEMENT_CHARACTER);
            }
            c if c.is_control() && c != '\n' => {
                switch(&mut word, Open::Printf);
                for byte in c.encode_utf8(&mut [0; 4]).bytes() {
                    let _ = write!(word, "\\{byte:03o}");
                }
            }
            c => {
                switch(&mut word, Open::Quote);
                word.push(c);
            }
        }
    }
    switch(&mut word, Open::Nothing);
    if word.is_empty() {
        "''".to_owned()
    } else {
        word
    }
}

/// A request's curl command behind a copy button, and shown on request.
#[component]
pub fn CurlCommand(command: String) -> impl IntoView {
    view! {
        <div class="curl">
            <CopyButton text=command.clone() label="Copy as curl" />
            <details>
                <summary>"curl"</summary>
                <pre data-testid="curl">{command}</pre>
            </details>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use std::process::Command;

    use super::*;

    /// What `shell` makes of `script`'s words after `curl`: each argument as curl would get it.
    fn arguments_in(shell: &str, script: &str) -> Option<Vec<String>> {
        let script =
            format!("curl() {{ for a in \"$@\"; do printf '%s\\0' \"$a\"; done; }}\n{script}");
        let output = Command::new(shell).arg("-c").arg(&script).output().ok()?;
        assert!(output.status.success(), "{shell} refused:\n{script}");
        let text = String::from_utf8(output.stdout).unwrap();
        Some(text.split_terminator('\0').map(str::to_owned).collect())
    }

    /// The POSIX shell every system has, and bash where it is installed.
    fn shells() -> impl Iterator<Item = &'static str> {
        ["sh", "bash"]
            .into_iter()
            .filter(|shell| Command::new(shell).arg("-c").arg("true").output().is_ok())
    }

    const HOSTILE: &[&str] = &[
        "it's",
        "''",
        "'",
        "\\",
        "\\'",
        "ends with a backslash \\",
        "$(touch /tmp/hookhub-pwned)",
        "`touch /tmp/hookhub-pwned`",
        "${HOME} $HOME ~ * ? [a] {a,b} !! #",
        "line one\nline two\n",
        "tab\tcarriage\rreturn",
        "\u{1b}[201~; touch /tmp/hookhub-pwned\n",
        "\u{7f}\u{7f}\u{7f} erased",
        "c1 \u{9b}31m and é ✓",
        "\"double\" ; & | < > ( )",
        "-starts-with-a-dash",
        "@/etc/passwd",
        "",
    ];

    #[test]
    fn every_word_reads_back_exactly_in_real_shells() {
        for shell in shells() {
            for text in HOSTILE {
                let words = arguments_in(shell, &format!("curl {}", shell_word(text)))
                    .expect("the shell runs");
                assert_eq!(
                    words,
                    [*text],
                    "{shell} read {:?} wrongly",
                    shell_word(text)
                );
            }
        }
        assert!(!std::path::Path::new("/tmp/hookhub-pwned").exists());
    }

    #[test]
    fn pasted_text_is_printable_and_nul_free() {
        for text in HOSTILE.iter().chain(&["nul\0inside"]) {
            let word = shell_word(text);
            assert!(
                !word.chars().any(|c| c.is_control() && c != '\n'),
                "{word:?} would paste control characters"
            );
        }
        assert_eq!(shell_word("nul\0inside"), "'nul\u{fffd}inside'");
    }

    #[test]
    fn plain_words_stay_bare_and_quotes_are_minimal() {
        assert_eq!(shell_word("POST"), "POST");
        assert_eq!(
            shell_word("http://127.0.0.1:3000/hook"),
            "http://127.0.0.1:3000/hook"
        );
        assert_eq!(shell_word("a b"), "'a b'");
        assert_eq!(shell_word("it's"), "'it'\\''s'");
        assert_eq!(shell_word("\u{1b}x"), "\"$(printf '\\033')\"'x'");
        assert_eq!(shell_word(""), "''");
    }

    #[test]
    fn a_command_carries_the_request_as_curl_arguments() {
        let headers = vec![
            ("content-type".to_owned(), "application/json".to_owned()),
            ("x-tenant".to_owned(), "o'brien $(id)".to_owned()),
            ("authorization".to_owned(), "********".to_owned()),
            ("x-empty".to_owned(), String::new()),
        ];
        let body = "{\"note\": \"it's `id` and $(id)\"}\n";
        let command = curl_command("POST", "https://example.com/h?a=1&b={x}", &headers, body);
        for shell in shells() {
            let words = arguments_in(shell, &command).expect("the shell runs");
            assert_eq!(
                words,
                [
                    "--globoff",
                    "--request",
                    "POST",
                    "--url",
                    "https://example.com/h?a=1&b={x}",
                    "--header",
                    "content-type: application/json",
                    "--header",
                    "x-tenant: o'brien $(id)",
                    "--header",
                    "authorization: ********",
                    "--header",
                    "x-empty;",
                    "--data-raw",
                    body,
                ],
                "{shell}"
            );
        }
    }

    #[test]
    fn head_asks_for_headers_only_and_an_empty_body_sends_no_data() {
        let command = curl_command("HEAD", "https://example.com/", &[], "");
        assert_eq!(command, "curl --globoff --head --url https://example.com/");
    }
}
