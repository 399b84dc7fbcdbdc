//! Messages: their sender, recipients and one route per recipient device.

use super::super::error::{ScenarioError, ScenarioErrorKind as Kind};
use super::super::file::{MessageFile, Str};
use super::super::limits;
use super::super::route::route;
use super::super::types::*;
use super::{Built, Ctx, check_count, check_name};

/// Every message, in file order; ids are unique.
pub(super) fn all(
    ctx: &Ctx,
    b: &Built,
    list: &[MessageFile],
) -> Result<Vec<Message>, ScenarioError> {
    let mut messages: Vec<Message> = Vec::new();
    for m in list {
        check_name(ctx, &m.id, "message")?;
        if messages.iter().any(|x| x.id == m.id.text) {
            return Err(ctx.err(
                &m.id,
                Kind::DuplicateName,
                format!("message id \"{}\" is used twice", m.id.as_str()),
            ));
        }
        messages.push(message(ctx, b, m)?);
    }
    Ok(messages)
}

fn message(ctx: &Ctx, b: &Built, m: &MessageFile) -> Result<Message, ScenarioError> {
    if m.text.text.len() > limits::MAX_TEXT_BYTES {
        return Err(ctx.err(
            &m.text,
            Kind::Limit,
            format!(
                "message text of {} bytes; the limit is {}",
                m.text.text.len(),
                limits::MAX_TEXT_BYTES
            ),
        ));
    }
    let (from, from_device) = sender(ctx, b, &m.from)?;
    if m.to.is_empty() {
        return Err(ctx.err(
            &m.id,
            Kind::NoRecipients,
            format!(
                "message \"{}\" has no recipients: give at least one in to: [..]",
                m.id.as_str()
            ),
        ));
    }
    let (to, targets) = targets(ctx, b, m, from, from_device)?;
    check_count(
        ctx,
        &m.id,
        "recipient devices",
        targets.len(),
        limits::MAX_RECIPIENT_DEVICES,
    )?;
    let mut routes = Vec::new();
    for (d, named) in targets {
        let found = route(&b.links, from_device, d).ok_or_else(|| {
            ctx.err(named, Kind::Unreachable, format!(
                "no chain of links reaches {} from {} (devices only talk through servers or a direct link)",
                b.devices[d].name, b.devices[from_device].name
            ))
        })?;
        routes.push(found);
    }
    Ok(Message {
        id: m.id.text.clone(),
        from,
        from_device,
        to,
        routes,
        text: m.text.text.clone(),
    })
}

/// The sending person and device: a person sends from their first device.
fn sender(ctx: &Ctx, b: &Built, from: &Str) -> Result<(usize, usize), ScenarioError> {
    if let Some(&p) = b.person_index.get(from.as_str()) {
        return Ok((p, b.people[p].devices[0]));
    }
    if let Some(&d) = b.device_index.get(from.as_str()) {
        return Ok((b.devices[d].owner, d));
    }
    Err(ctx.err(
        from,
        Kind::UnknownName,
        format!(
            "unknown sender \"{}\": name a person or a device",
            from.as_str()
        ),
    ))
}

/// Recipient people, and recipient devices with the name that brought each in.
type Targets<'f> = (Vec<usize>, Vec<(usize, &'f Str)>);

fn targets<'f>(
    ctx: &Ctx,
    b: &Built,
    m: &'f MessageFile,
    from: usize,
    from_device: usize,
) -> Result<Targets<'f>, ScenarioError> {
    let mut to = Vec::new();
    let mut targets: Vec<(usize, &Str)> = Vec::new();
    for r in &m.to {
        let (person, devices) = recipient(ctx, b, r)?;
        if !to.contains(&person) {
            to.push(person);
        }
        for d in devices {
            if d != from_device && !targets.iter().any(|(t, _)| *t == d) {
                targets.push((d, r));
            }
        }
    }
    if targets.is_empty() {
        return Err(ctx.err(
            &m.id,
            Kind::NoRecipients,
            format!(
                "message \"{}\" goes to no device but the sender's own",
                m.id.as_str()
            ),
        ));
    }
    // The sender's own other devices get a copy too (as linked devices do in Signal,
    // WhatsApp and iMessage, and as a website shows sent DMs everywhere one is logged in).
    for &d in &b.people[from].devices {
        if d != from_device
            && !targets.iter().any(|(t, _)| *t == d)
            && route(&b.links, from_device, d).is_some()
        {
            targets.push((d, &m.from));
        }
    }
    Ok((to, targets))
}

/// A recipient named in `to`: a person (all their devices) or one device.
fn recipient(ctx: &Ctx, b: &Built, r: &Str) -> Result<(usize, Vec<usize>), ScenarioError> {
    if let Some(&p) = b.person_index.get(r.as_str()) {
        return Ok((p, b.people[p].devices.clone()));
    }
    if let Some(&d) = b.device_index.get(r.as_str()) {
        return Ok((b.devices[d].owner, vec![d]));
    }
    Err(ctx.err(
        r,
        Kind::UnknownName,
        format!(
            "unknown recipient \"{}\": name a person or a device",
            r.as_str()
        ),
    ))
}
