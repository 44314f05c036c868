//! Large uploads the server refuses before reading them (bad token, bad header, 413 by
//! `Content-Length`) still get their answer. Bodies over 1 MiB are not read before the
//! handler runs; an answer given while the upload is still arriving used to make hyper close
//! the connection with the rest unread, and the kernel then reset it: the client's write
//! failed or the reset destroyed the answer before it was read. These tests talk raw HTTP/1.1
//! over TCP, as the simplest client does: write the whole request, then read the answer.

mod support;

use std::time::Duration;
use support::start_server;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// One answer read off a connection.
#[derive(Debug)]
struct Answer {
    status: u16,
    head: String,
    body: String,
}

impl Answer {
    fn error(&self) -> String {
        serde_json::from_str::<serde_json::Value>(&self.body)
            .ok()
            .and_then(|v| v["error"].as_str().map(String::from))
            .unwrap_or_else(|| panic!("not a JSON error: {self:?}"))
    }
}

/// Reads one answer (head and `Content-Length` body) from `s`, keeping what follows in `buf`.
async fn read_answer(s: &mut TcpStream, buf: &mut Vec<u8>) -> Result<Answer, String> {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    loop {
        if let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&buf[..end]).to_string();
            let status: u16 = head
                .split(' ')
                .nth(1)
                .and_then(|s| s.parse().ok())
                .ok_or_else(|| format!("bad status line: {head:?}"))?;
            if status == 100 {
                return Err(format!("unexpected 100 Continue: {head:?}"));
            }
            let len: usize = head
                .lines()
                .find_map(|l| {
                    let (k, v) = l.split_once(':')?;
                    k.eq_ignore_ascii_case("content-length")
                        .then(|| v.trim().parse().ok())?
                })
                .ok_or_else(|| format!("no content-length: {head:?}"))?;
            if buf.len() >= end + 4 + len {
                let body = String::from_utf8_lossy(&buf[end + 4..end + 4 + len]).to_string();
                buf.drain(..end + 4 + len);
                return Ok(Answer { status, head, body });
            }
        }
        let mut chunk = [0u8; 16 * 1024];
        let n = tokio::time::timeout_at(deadline, s.read(&mut chunk))
            .await
            .map_err(|_| "no answer within 30 s".to_string())?
            .map_err(|e| format!("read failed: {e}"))?;
        if n == 0 {
            return Err(format!(
                "connection closed after {} bytes of answer",
                buf.len()
            ));
        }
        buf.extend_from_slice(&chunk[..n]);
    }
}

/// Sends `head` and then `body_len` bytes of body (in `Content-Length` form, or chunked when
/// `chunked`), all of it before reading, and reads the answer.
async fn upload(
    addr: &str,
    head: &str,
    body_len: usize,
    chunked: bool,
) -> Result<(TcpStream, Vec<u8>, Answer), String> {
    let mut s = TcpStream::connect(addr)
        .await
        .map_err(|e| format!("connect: {e}"))?;
    let framing = if chunked {
        "Transfer-Encoding: chunked\r\n".to_string()
    } else {
        format!("Content-Length: {body_len}\r\n")
    };
    let request = format!("{head}{framing}\r\n");
    s.write_all(request.as_bytes())
        .await
        .map_err(|e| format!("write of the head failed: {e}"))?;
    let piece = vec![b'x'; 256 * 1024];
    let mut sent = 0;
    while sent < body_len {
        let n = piece.len().min(body_len - sent);
        let r = if chunked {
            let mut c = format!("{n:x}\r\n").into_bytes();
            c.extend_from_slice(&piece[..n]);
            c.extend_from_slice(b"\r\n");
            s.write_all(&c).await
        } else {
            s.write_all(&piece[..n]).await
        };
        r.map_err(|e| format!("write failed after {sent} of {body_len} body bytes: {e}"))?;
        sent += n;
    }
    if chunked {
        s.write_all(b"0\r\n\r\n")
            .await
            .map_err(|e| format!("write of the last chunk failed: {e}"))?;
    }
    let mut buf = Vec::new();
    let answer = read_answer(&mut s, &mut buf).await?;
    Ok((s, buf, answer))
}

/// A pseudo-random size in 5..20 MiB (a fixed sequence: failures replay).
fn size(i: usize) -> usize {
    let x = (i as u64 + 1).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    5 * 1024 * 1024 + (x >> 40) as usize % (15 * 1024 * 1024)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn large_uploads_with_a_bad_token_all_get_their_401() {
    let server = start_server().await;
    let addr = server.url.trim_start_matches("http://").to_string();
    let head = format!(
        "POST /v2/publish/http://127.0.0.1:9/x HTTP/1.1\r\nHost: {addr}\r\n\
         Authorization: Bearer not-a-token\r\nContent-Type: application/octet-stream\r\n"
    );
    let mut failures = Vec::new();
    let mut tasks = Vec::new();
    // 4 clients at a time, 40 uploads, 5–20 MiB each.
    for client in 0..4 {
        let addr = addr.clone();
        let head = head.clone();
        tasks.push(tokio::spawn(async move {
            let mut out = Vec::new();
            for k in 0..10 {
                let i = client * 10 + k;
                let r = match upload(&addr, &head, size(i), false).await {
                    Ok((_, _, a)) if a.status == 401 && a.error() == "invalid token" => continue,
                    Ok((_, _, a)) => format!("upload {i}: wrong answer {a:?}"),
                    Err(e) => format!("upload {i} ({} bytes): {e}", size(i)),
                };
                out.push(r);
            }
            out
        }));
    }
    for t in tasks {
        failures.extend(t.await.expect("client task"));
    }
    assert!(
        failures.is_empty(),
        "{} of 40 failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_upload_is_read_to_its_end_and_the_connection_stays_usable() {
    let server = start_server().await;
    let addr = server.url.trim_start_matches("http://").to_string();
    let head = format!(
        "POST /v2/publish/http://127.0.0.1:9/x HTTP/1.1\r\nHost: {addr}\r\n\
         Authorization: Bearer not-a-token\r\n"
    );
    let (mut s, mut buf, a) = upload(&addr, &head, 12 * 1024 * 1024, false)
        .await
        .expect("upload");
    assert_eq!(a.status, 401, "{a:?}");
    // The refused body was read and discarded, so the next request on the same connection
    // is parsed from where it ended.
    let next = format!(
        "GET /v2/queues HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {}\r\n\r\n",
        qstash_server::app::USERS[0].token
    );
    s.write_all(next.as_bytes()).await.expect("second request");
    let b = read_answer(&mut s, &mut buf).await.expect("second answer");
    assert_eq!(b.status, 200, "{b:?}");
    assert_eq!(b.body, "[]");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn other_early_refusals_of_large_uploads_arrive_too() {
    let server = start_server().await;
    let addr = server.url.trim_start_matches("http://").to_string();
    let token = qstash_server::app::USERS[0].token;
    let publish = |extra: &str| {
        format!(
            "POST /v2/publish/http://127.0.0.1:9/x HTTP/1.1\r\nHost: {addr}\r\n\
             Authorization: Bearer {token}\r\n{extra}"
        )
    };
    let cases: Vec<(&str, String, usize, bool, u16, &str)> = vec![
        (
            "bad header",
            publish("Upstash-Retries: three\r\n"),
            8 * 1024 * 1024,
            false,
            400,
            "Upstash-Retries",
        ),
        (
            "413 by Content-Length (payg: 10 MiB)",
            publish(""),
            11 * 1024 * 1024,
            false,
            413,
            "larger than the limit",
        ),
        (
            "413 while reading a chunked upload",
            publish(""),
            12 * 1024 * 1024,
            true,
            413,
            "larger than the limit",
        ),
        (
            "missing token, chunked",
            format!("POST /v2/batch HTTP/1.1\r\nHost: {addr}\r\n"),
            6 * 1024 * 1024,
            true,
            401,
            "missing token",
        ),
        (
            "unknown route",
            format!("PUT /v2/nothing HTTP/1.1\r\nHost: {addr}\r\n"),
            6 * 1024 * 1024,
            false,
            404,
            "no route",
        ),
        (
            "too large for a management endpoint",
            format!(
                "POST /v2/queues HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {token}\r\n"
            ),
            5 * 1024 * 1024,
            false,
            413,
            "larger than the limit",
        ),
    ];
    for (what, head, len, chunked, status, text) in cases {
        for round in 0..5 {
            let (_, _, a) = upload(&addr, &head, len, chunked)
                .await
                .unwrap_or_else(|e| panic!("{what} (round {round}): {e}"));
            assert_eq!(a.status, status, "{what}: {a:?}");
            assert!(a.error().contains(text), "{what}: {a:?}");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_upload_waiting_for_100_continue_is_refused_without_it() {
    let server = start_server().await;
    let addr = server.url.trim_start_matches("http://").to_string();
    let mut s = TcpStream::connect(&addr).await.expect("connect");
    let head = format!(
        "POST /v2/publish/http://127.0.0.1:9/x HTTP/1.1\r\nHost: {addr}\r\n\
         Authorization: Bearer not-a-token\r\nContent-Length: {}\r\nExpect: 100-continue\r\n\r\n",
        20 * 1024 * 1024
    );
    s.write_all(head.as_bytes()).await.expect("head");
    // The client sends nothing more until told to continue: the refusal must come without a
    // `100 Continue` (which would make it upload 20 MiB for nothing).
    let mut buf = Vec::new();
    let a = read_answer(&mut s, &mut buf).await.expect("answer");
    assert_eq!(a.status, 401, "{a:?}");
    assert!(!a.head.contains("100 Continue"), "{a:?}");
}
