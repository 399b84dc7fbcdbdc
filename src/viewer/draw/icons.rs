//! Pictograms for devices, servers and their parts, observers and tokens: white masks drawn for
//! the project (`assets/icons/make.py`), embedded in the binary and tinted where they are drawn,
//! so `plainsight render`, the window and the web page show the same pictures with no asset
//! folder at run time.
//!
//! Headless (no `Assets<Image>`, as under `MinimalPlugins`), an icon is still an entity with an
//! [`IconMark`], only without a picture: tests can see where icons go.

use bevy::asset::RenderAssetUsages;
use bevy::image::{ImageFilterMode, ImageSampler, ImageSamplerDescriptor};
use bevy::prelude::*;
use bevy::render::render_resource::{Extent3d, TextureDimension, TextureFormat};

use crate::scenario::{DeviceKind, DevicePart, Part, Reach, Role, Scenario};
use crate::viewer::draw::Painter;
use crate::viewer::layout::Rect;

/// One pictogram.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Icon {
    /// A phone (or tablet).
    Phone,
    /// A laptop (or desktop).
    Laptop,
    /// A web client: a browser window.
    Browser,
    /// A server rack.
    Server,
    /// A database.
    Database,
    /// A key vault.
    Vault,
    /// A key.
    Key,
    /// A padlock: a sealed layer.
    Padlock,
    /// A memory chip.
    Chip,
    /// A key directory.
    Directory,
    /// A backup archive.
    Backup,
    /// A closed envelope.
    Envelope,
    /// An open envelope with the letter standing out: the words in the clear.
    Letter,
    /// A person.
    Person,
    /// An admin (a person with a gear).
    Admin,
    /// A boss (a person with a tie).
    Boss,
    /// A thief (masked, with a sack).
    Thief,
    /// An eavesdropper (headphones).
    Eavesdropper,
    /// A state (a government building).
    State,
    /// Spyware (a bug).
    Spyware,
    /// A malicious server (a server with a warning sign).
    Malicious,
}

impl Icon {
    /// Every icon, in the order of their handles in `Icons`.
    pub const ALL: [Icon; 21] = [
        Icon::Phone,
        Icon::Laptop,
        Icon::Browser,
        Icon::Server,
        Icon::Database,
        Icon::Vault,
        Icon::Key,
        Icon::Padlock,
        Icon::Chip,
        Icon::Directory,
        Icon::Backup,
        Icon::Envelope,
        Icon::Letter,
        Icon::Person,
        Icon::Admin,
        Icon::Boss,
        Icon::Thief,
        Icon::Eavesdropper,
        Icon::State,
        Icon::Spyware,
        Icon::Malicious,
    ];

    /// The PNG's bytes.
    pub fn png(self) -> &'static [u8] {
        macro_rules! png {
            ($name:literal) => {
                include_bytes!(concat!("../../../assets/icons/", $name, ".png"))
            };
        }
        match self {
            Icon::Phone => png!("phone"),
            Icon::Laptop => png!("laptop"),
            Icon::Browser => png!("browser"),
            Icon::Server => png!("server"),
            Icon::Database => png!("database"),
            Icon::Vault => png!("vault"),
            Icon::Key => png!("key"),
            Icon::Padlock => png!("padlock"),
            Icon::Chip => png!("chip"),
            Icon::Directory => png!("directory"),
            Icon::Backup => png!("backup"),
            Icon::Envelope => png!("envelope"),
            Icon::Letter => png!("letter"),
            Icon::Person => png!("person"),
            Icon::Admin => png!("admin"),
            Icon::Boss => png!("boss"),
            Icon::Thief => png!("thief"),
            Icon::Eavesdropper => png!("eavesdropper"),
            Icon::State => png!("state"),
            Icon::Spyware => png!("spyware"),
            Icon::Malicious => png!("malicious"),
        }
    }

    /// An observer's picture, by role.
    pub fn of_role(role: Role) -> Icon {
        match role {
            Role::SenderDevice | Role::RecipientDevice => Icon::Phone,
            Role::ServerAdmin | Role::DatabaseAdmin => Icon::Admin,
            Role::AdminBoss => Icon::Boss,
            Role::DatabaseThief => Icon::Thief,
            Role::WireEavesdropper => Icon::Eavesdropper,
            Role::NationState => Icon::State,
            Role::MaliciousServer => Icon::Malicious,
            Role::CompromisedDevice => Icon::Spyware,
            Role::OtherUser => Icon::Person,
        }
    }

    /// An observer's picture: a device's owner or recipient is that device's picture, anyone
    /// else their role's.
    pub fn of_observer(sc: &Scenario, o: usize) -> Icon {
        let Some(observer) = sc.observers.get(o) else {
            return Icon::Person;
        };
        let device = observer.reach.iter().find_map(|r| match r {
            Reach::DevicePart(d, _) => Some(*d),
            _ => None,
        });
        match (observer.role, device) {
            (Role::SenderDevice | Role::RecipientDevice, Some(d)) => Icon::of_device(sc, d),
            (role, _) => Icon::of_role(role),
        }
    }

    /// A place's picture: a server part's, or a device part's.
    pub fn of_place(place: Reach) -> Option<Icon> {
        Some(match place {
            Reach::ServerPart(_, Part::TlsFront) => Icon::Padlock,
            Reach::ServerPart(_, Part::AppMemory) => Icon::Chip,
            Reach::ServerPart(_, Part::Database) => Icon::Database,
            Reach::ServerPart(_, Part::Backup) => Icon::Backup,
            Reach::ServerPart(_, Part::KeyVault) => Icon::Vault,
            Reach::ServerPart(_, Part::KeyDirectory) => Icon::Directory,
            Reach::DevicePart(_, DevicePart::Memory) => Icon::Chip,
            Reach::DevicePart(_, DevicePart::Keystore) => Icon::Key,
            Reach::Wire(_) => return None,
        })
    }

    /// A device's picture: a browser while it is a web client (its code comes from a server,
    /// also when a what-if makes it one), else its kind (a scene's `device_kinds`); never
    /// guessed from its name.
    pub fn of_device(sc: &Scenario, d: usize) -> Icon {
        let Some(device) = sc.devices.get(d) else {
            return Icon::Phone;
        };
        match device.kind {
            _ if device.code_from.is_some() => Icon::Browser,
            DeviceKind::Browser => Icon::Browser,
            DeviceKind::Laptop => Icon::Laptop,
            DeviceKind::Phone => Icon::Phone,
        }
    }
}

/// The icons' images, by [`Icon::ALL`] order (absent headless).
#[derive(Resource, Debug, Clone)]
pub struct Icons(Vec<Handle<Image>>);

impl Icons {
    fn get(&self, icon: Icon) -> Option<Handle<Image>> {
        let i = Icon::ALL.iter().position(|&x| x == icon)?;
        self.0.get(i).cloned()
    }
}

/// Marks a drawn icon.
#[derive(Component, Debug, Clone, Copy, PartialEq, Eq)]
pub struct IconMark(pub Icon);

/// Decodes an icon into an image with its whole mip chain, so that it stays smooth when drawn
/// at a third of its size (Bevy makes no mipmaps itself).
pub fn decode(icon: Icon) -> Result<Image, String> {
    let rgba = image::load_from_memory_with_format(icon.png(), image::ImageFormat::Png)
        .map_err(|e| format!("icon {icon:?}: {e}"))?
        .to_rgba8();
    let (w, h) = rgba.dimensions();
    let base = rgba.into_raw();
    let mut image = Image::new(
        Extent3d {
            width: w,
            height: h,
            depth_or_array_layers: 1,
        },
        TextureDimension::D2,
        base.clone(),
        TextureFormat::Rgba8UnormSrgb,
        RenderAssetUsages::RENDER_WORLD,
    );
    let (mut data, mut level, mut size, mut levels) = (base.clone(), base, (w, h), 1);
    while size.0 > 1 && size.1 > 1 {
        level = halve(&level, size);
        size = (size.0 / 2, size.1 / 2);
        data.extend_from_slice(&level);
        levels += 1;
    }
    image.data = Some(data);
    image.texture_descriptor.mip_level_count = levels;
    image.sampler = ImageSampler::Descriptor(ImageSamplerDescriptor {
        mag_filter: ImageFilterMode::Linear,
        min_filter: ImageFilterMode::Linear,
        mipmap_filter: ImageFilterMode::Linear,
        ..default()
    });
    Ok(image)
}

/// A 2 x 2 box filter over RGBA bytes.
fn halve(src: &[u8], (w, h): (u32, u32)) -> Vec<u8> {
    let (nw, nh) = (w / 2, h / 2);
    let mut out = Vec::with_capacity((nw * nh * 4) as usize);
    for y in 0..nh {
        for x in 0..nw {
            for c in 0..4 {
                let at = |dx: u32, dy: u32| {
                    src[(((2 * y + dy) * w + 2 * x + dx) * 4 + c) as usize] as u32
                };
                out.push(((at(0, 0) + at(1, 0) + at(0, 1) + at(1, 1) + 2) / 4) as u8);
            }
        }
    }
    out
}

fn load_icons(mut commands: Commands, images: Option<ResMut<Assets<Image>>>) {
    let Some(mut images) = images else { return };
    let mut handles = Vec::with_capacity(Icon::ALL.len());
    for icon in Icon::ALL {
        match decode(icon) {
            Ok(image) => handles.push(images.add(image)),
            Err(e) => {
                // Embedded and tested: cannot happen, but a missing picture is no reason to stop.
                tracing::warn!("{e}");
                handles.push(Handle::default());
            }
        }
    }
    commands.insert_resource(Icons(handles));
}

/// Draws `icon` filling the square `r` (virtual pixels), tinted `color`.
pub fn draw(
    pt: &mut Painter,
    icons: Option<&Icons>,
    icon: Icon,
    r: Rect,
    color: Color,
    z: f32,
) -> Entity {
    let (cx, cy) = r.center();
    let (x, y) = pt.fit.world(cx, cy);
    let size = Vec2::new(r.w, r.h) * pt.fit.scale;
    let mut e = pt.commands.spawn((
        IconMark(icon),
        Transform::from_xyz(x, y, z),
        Visibility::default(),
        pt.layer,
    ));
    if let Some(image) = icons.and_then(|i| i.get(icon)) {
        e.insert(Sprite {
            image,
            color,
            custom_size: Some(size),
            ..default()
        });
    }
    e.id()
}

/// Loads the icons where there are images to load them into.
pub struct IconsPlugin;

impl Plugin for IconsPlugin {
    fn build(&self, app: &mut App) {
        app.add_systems(Startup, load_icons);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_icon_decodes_with_a_full_mip_chain() {
        for icon in Icon::ALL {
            let image = decode(icon).expect("embedded icons decode");
            let d = &image.texture_descriptor;
            assert_eq!((d.size.width, d.size.height), (64, 64), "{icon:?}");
            assert_eq!(d.mip_level_count, 7, "{icon:?}");
            let data = image.data.as_ref().expect("data");
            assert_eq!(data.len(), 4 * (4096 + 1024 + 256 + 64 + 16 + 4 + 1));
            // A pictogram: some pixels opaque, some clear.
            let alpha: Vec<u8> = data[..4096 * 4]
                .iter()
                .skip(3)
                .step_by(4)
                .copied()
                .collect();
            assert!(alpha.contains(&255) && alpha.contains(&0));
        }
    }

    #[test]
    fn devices_get_their_kind_of_picture() {
        // Every device of every shipped scene gets its kind's picture, and the shipped scenes
        // use all three kinds, so a picture that ignored the kind would fail here.
        let mut seen = Vec::new();
        for (name, text) in crate::scenario::SHIPPED {
            let sc = Scenario::parse(text, name).expect("shipped scenes parse");
            for (d, device) in sc.devices.iter().enumerate() {
                let want = match device.kind {
                    _ if device.code_from.is_some() => Icon::Browser,
                    DeviceKind::Phone => Icon::Phone,
                    DeviceKind::Laptop => Icon::Laptop,
                    DeviceKind::Browser => Icon::Browser,
                };
                assert_eq!(Icon::of_device(&sc, d), want, "{name}: {}", device.name);
                if device.code_from.is_some() {
                    assert_eq!(device.kind, DeviceKind::Browser, "{name}: {}", device.name);
                }
                if !seen.contains(&want) {
                    seen.push(want);
                }
            }
        }
        assert_eq!(seen.len(), 3, "{seen:?}");
    }
}
