//! A server-sent-events decoder, sans I/O: bytes in (in whatever pieces the network
//! delivers), complete events out. Comments and keep-alives are skipped; `data:` lines
//! of one event are joined with newlines; `event:` names are kept for protocols that
//! use them. CR, LF and CRLF all end a line.

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Event {
    pub event: Option<String>,
    pub data: String,
}

#[derive(Debug, Default)]
pub struct Decoder {
    line: Vec<u8>,
    /// The previous byte was a CR: a following LF belongs to it.
    after_cr: bool,
    event: Option<String>,
    data: Option<String>,
}

impl Decoder {
    pub fn new() -> Self {
        Self::default()
    }

    /// Feed bytes; returns the events they complete.
    pub fn feed(&mut self, bytes: &[u8]) -> Vec<Event> {
        let mut events = Vec::new();
        for &byte in bytes {
            if self.after_cr {
                self.after_cr = false;
                if byte == b'\n' {
                    continue;
                }
            }
            match byte {
                b'\n' | b'\r' => {
                    self.after_cr = byte == b'\r';
                    let line = std::mem::take(&mut self.line);
                    if let Some(event) = self.line_done(&line) {
                        events.push(event);
                    }
                }
                _ => self.line.push(byte),
            }
        }
        events
    }

    /// The event a stream ended on without its blank line, if any.
    pub fn finish(&mut self) -> Option<Event> {
        let line = std::mem::take(&mut self.line);
        if !line.is_empty()
            && let Some(event) = self.line_done(&line)
        {
            return Some(event);
        }
        self.dispatch()
    }

    fn dispatch(&mut self) -> Option<Event> {
        let event = self.event.take();
        self.data.take().map(|data| Event { event, data })
    }

    fn line_done(&mut self, line: &[u8]) -> Option<Event> {
        if line.is_empty() {
            return self.dispatch();
        }
        if line[0] == b':' {
            return None; // a comment or keep-alive
        }
        let text = String::from_utf8_lossy(line);
        let (field, value) = match text.split_once(':') {
            Some((field, value)) => (field, value.strip_prefix(' ').unwrap_or(value)),
            None => (text.as_ref(), ""),
        };
        match field {
            "data" => match &mut self.data {
                Some(data) => {
                    data.push('\n');
                    data.push_str(value);
                }
                None => self.data = Some(value.to_string()),
            },
            "event" => self.event = Some(value.to_string()),
            _ => {} // id, retry and unknown fields do not matter here
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn data(events: &[Event]) -> Vec<&str> {
        events.iter().map(|e| e.data.as_str()).collect()
    }

    #[test]
    fn events_in_any_pieces_and_line_endings() {
        let stream = b": keep-alive\r\n\r\ndata: {\"a\":1}\r\n\r\nevent: ping\ndata: x\ndata: y\n\ndata: [DONE]\r\r";
        let whole = Decoder::new().feed(stream);
        assert_eq!(data(&whole), ["{\"a\":1}", "x\ny", "[DONE]"]);
        assert_eq!(whole[1].event.as_deref(), Some("ping"));
        for split in 1..stream.len() {
            let mut decoder = Decoder::new();
            let mut events = decoder.feed(&stream[..split]);
            events.extend(decoder.feed(&stream[split..]));
            assert_eq!(events, whole, "split at {split}");
        }
    }

    #[test]
    fn a_last_event_without_its_blank_line_is_kept() {
        let mut decoder = Decoder::new();
        assert!(decoder.feed(b"data: tail").is_empty());
        assert_eq!(decoder.finish().map(|e| e.data), Some("tail".to_string()));
    }
}
