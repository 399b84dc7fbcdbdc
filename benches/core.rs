//! The core at a group's size: simulate, analyse and act (`Run::new`, what `plainsight matrix`
//! does) for one group DM of 16, 128 and 1,024 devices (4, 32 and 256 people with 4 devices
//! each, 2 messages, 4 observers), under bagged fan-out and sender keys.
//!
//! ```text
//! cargo bench --no-default-features --features cli,bench --bench core
//! ```

use std::hint::black_box;
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, SamplingMode};
use plainsight::Run;
use plainsight::scenario::{Scenario, group_scene};

fn core(c: &mut Criterion) {
    let mut group = c.benchmark_group("core");
    group.sampling_mode(SamplingMode::Flat);
    group.sample_size(10);
    group.warm_up_time(Duration::from_millis(500));
    for fanout in ["bagged", "sender-keys"] {
        for people in [4, 32, 256] {
            let text = group_scene(people, 4, 2, fanout);
            let sc = Scenario::parse(&text, "group.ron").expect("a valid scene");
            let devices = sc.devices.len();
            group.measurement_time(Duration::from_secs(if people > 100 { 30 } else { 5 }));
            group.bench_with_input(BenchmarkId::new(fanout, devices), &sc, |b, sc| {
                b.iter(|| black_box(Run::new(sc.clone(), None).expect("runs")))
            });
        }
    }
    group.finish();
}

fn main() {
    let mut c = Criterion::default().configure_from_args();
    core(&mut c);
    c.final_summary();
}
