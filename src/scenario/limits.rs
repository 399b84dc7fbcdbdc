//! plainsight's limits on scenario files, checked before any work is done.

/// Largest file read (a scenario, an exercise, answers), in bytes; reading stops one byte past
/// it, whatever size the file reports.
pub const MAX_FILE_BYTES: u64 = 1 << 20;
/// Most people in a scenario.
pub const MAX_PEOPLE: usize = 256;
/// Most devices in a scenario.
pub const MAX_DEVICES: usize = 1024;
/// Most servers in a scenario.
pub const MAX_SERVERS: usize = 64;
/// Most links in a scenario.
pub const MAX_LINKS: usize = 4096;
/// Most messages in a scenario.
pub const MAX_MESSAGES: usize = 256;
/// Most observers in a scenario.
pub const MAX_OBSERVERS: usize = 256;
/// Most recipient devices of one message.
pub const MAX_RECIPIENT_DEVICES: usize = 1024;
/// Longest message text, in bytes.
pub const MAX_TEXT_BYTES: usize = 64 << 10;
/// Longest name, in characters.
pub const MAX_NAME_CHARS: usize = 64;
/// Most work one scene may ask for: message copies (one per recipient device, summed over the
/// messages) times runs (one looking, one per observer who might act). Measured: the largest
/// scene this accepts runs `plainsight matrix` within 30 s on a 2-core laptop
/// (docs/hardening.md).
pub const MAX_WORK: usize = 24_576;
/// Longest short form of a name (`short:`), in characters: what an observer's chip holds on
/// one line at 18 px.
pub const MAX_SHORT_CHARS: usize = 22;
/// Deepest nesting RON may use.
pub const MAX_NESTING: usize = 32;
