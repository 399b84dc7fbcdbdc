//! Removing and renaming: a name is written in many places (devices in links, messages,
//! observers' reaches, layout hints), and every one of them follows the edit.

use super::{DesignError, Designer, Item, s, same_link};
use crate::scenario::{ReachText, Str};

/// A reach string (`node`, `node/part`, `a -> b`) with `old` renamed to `new` where it names a
/// node; `None` when it does not mention `old`. Read as validation reads it ([`ReachText`]).
fn renamed_place(place: &str, old: &str, new: &str) -> Option<String> {
    ReachText::parse(place).renamed(old, new)
}

fn mentions(place: &str, name: &str) -> bool {
    ReachText::parse(place).nodes().contains(&name)
}

fn rename_str(x: &mut Str, old: &str, new: &str) {
    if x.as_str() == old {
        *x = s(new);
    }
}

impl Designer {
    /// Renames a person, device, server, observer or message everywhere it is named.
    pub(super) fn rename(&mut self, item: &Item, to: &str) -> Result<(), DesignError> {
        let old = match item {
            Item::Person(n) | Item::Device(n) | Item::Server(n) | Item::Observer(n) => n,
            Item::Message(id) => id,
            Item::Link(a, b) => return Err(DesignError::Unknown(format!("{a} -> {b}"))),
        }
        .clone();
        if !self.names().contains(&old.as_str()) {
            return Err(DesignError::Unknown(old));
        }
        self.fresh(to)?;
        let f = &mut self.file;
        for p in &mut f.people {
            rename_str(&mut p.name, &old, to);
            p.devices.iter_mut().for_each(|d| rename_str(d, &old, to));
            if let Some(k) = &mut p.keys_from {
                rename_str(k, &old, to);
            }
        }
        for sv in &mut f.servers {
            rename_str(&mut sv.name, &old, to);
        }
        for w in &mut f.web_clients {
            rename_str(&mut w.device, &old, to);
            rename_str(&mut w.code_from, &old, to);
        }
        for k in &mut f.device_kinds {
            rename_str(&mut k.device, &old, to);
        }
        for l in &mut f.links {
            rename_str(&mut l.from, &old, to);
            rename_str(&mut l.to, &old, to);
        }
        for m in &mut f.messages {
            rename_str(&mut m.id, &old, to);
            rename_str(&mut m.from, &old, to);
            m.to.iter_mut().for_each(|t| rename_str(t, &old, to));
        }
        for o in &mut f.observers {
            rename_str(&mut o.name, &old, to);
            o.compels.iter_mut().for_each(|c| rename_str(c, &old, to));
            if let Some(d) = &mut o.device {
                rename_str(d, &old, to);
            }
            for r in &mut o.reaches {
                if let Some(n) = renamed_place(r.as_str(), &old, to) {
                    *r = s(&n);
                }
            }
        }
        for h in &mut f.layout {
            rename_str(&mut h.node, &old, to);
        }
        Ok(())
    }

    /// Removes a thing and every reference to it (a person's devices go with them).
    pub(super) fn remove(&mut self, item: &Item) -> Result<(), DesignError> {
        match item {
            Item::Person(name) => {
                let i = self.index_of_person(name)?;
                let p = self.file.people.remove(i);
                for d in &p.devices {
                    self.forget_node(d.as_str());
                }
                self.forget_sender(name);
            }
            Item::Device(name) => {
                let p = self
                    .file
                    .people
                    .iter_mut()
                    .find(|p| p.devices.iter().any(|d| d.as_str() == name))
                    .ok_or_else(|| DesignError::Unknown(name.clone()))?;
                p.devices.retain(|d| d.as_str() != name);
                self.forget_node(name);
            }
            Item::Server(name) => {
                let before = self.file.servers.len();
                self.file.servers.retain(|sv| sv.name.as_str() != name);
                if self.file.servers.len() == before {
                    return Err(DesignError::Unknown(name.clone()));
                }
                self.forget_node(name);
            }
            Item::Link(a, b) => {
                let before = self.file.links.len();
                self.file.links.retain(|l| !same_link(l, a, b));
                if self.file.links.len() == before {
                    return Err(DesignError::Unknown(format!("{a} -> {b}")));
                }
                for o in &mut self.file.observers {
                    o.reaches
                        .retain(|r| !ReachText::parse(r.as_str()).is_link(a, b));
                }
            }
            Item::Observer(name) => {
                let before = self.file.observers.len();
                self.file.observers.retain(|o| o.name.as_str() != name);
                if self.file.observers.len() == before {
                    return Err(DesignError::Unknown(name.clone()));
                }
            }
            Item::Message(id) => {
                let before = self.file.messages.len();
                self.file.messages.retain(|m| m.id.as_str() != id);
                if self.file.messages.len() == before {
                    return Err(DesignError::Unknown(id.clone()));
                }
            }
        }
        Ok(())
    }

    fn index_of_person(&self, name: &str) -> Result<usize, DesignError> {
        self.file
            .people
            .iter()
            .position(|p| p.name.as_str() == name)
            .ok_or_else(|| DesignError::Unknown(name.to_string()))
    }

    /// Drops links, hints, web clients, device kinds, reaches, held devices and messages naming a node.
    fn forget_node(&mut self, name: &str) {
        let f = &mut self.file;
        f.links
            .retain(|l| l.from.as_str() != name && l.to.as_str() != name);
        f.layout.retain(|h| h.node.as_str() != name);
        f.web_clients
            .retain(|w| w.device.as_str() != name && w.code_from.as_str() != name);
        f.device_kinds.retain(|k| k.device.as_str() != name);
        for o in &mut f.observers {
            o.reaches.retain(|r| !mentions(r.as_str(), name));
            o.compels.retain(|c| c.as_str() != name);
        }
        f.observers
            .retain(|o| o.device.as_ref().is_none_or(|d| d.as_str() != name));
        self.forget_sender(name);
    }

    /// Drops messages sent by a person or device, and it from every recipient list.
    fn forget_sender(&mut self, name: &str) {
        let f = &mut self.file;
        f.messages.retain(|m| m.from.as_str() != name);
        for m in &mut f.messages {
            m.to.retain(|t| t.as_str() != name);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::renamed_place;

    #[test]
    fn places_rename_by_node() {
        assert_eq!(
            renamed_place("a -> srv", "srv", "s2").as_deref(),
            Some("a -> s2")
        );
        assert_eq!(
            renamed_place("srv/database", "srv", "s2").as_deref(),
            Some("s2/database")
        );
        assert_eq!(renamed_place("srvx/database", "srv", "s2"), None);
    }

    #[test]
    fn reach_without_spaces_is_renamed_by_the_designer() {
        // The designer split on " -> " only: `check` accepted "a->srv", a rename missed it.
        assert_eq!(
            renamed_place("a->srv", "srv", "s2").as_deref(),
            Some("a -> s2")
        );
    }
}
