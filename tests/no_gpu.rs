//! `render` and `view` where no graphics adapter is usable: one clear error and exit 1, or a
//! frame through the OpenGL ES fallback, never a panic. "No adapter" is forced by pointing the
//! Vulkan loader at a driver list that does not exist.
#![cfg(all(feature = "viewer", target_os = "linux"))]

use std::path::PathBuf;
use std::process::{Command, Output};

/// `plainsight ARGS` with no Vulkan driver, plus the given environment variables.
fn without_vulkan(args: &[&str], env: &[(&str, &str)]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_plainsight"))
        .args(args)
        // Both the old and the new name of the loader's driver list.
        .env("VK_ICD_FILENAMES", "/nonexistent/icd.json")
        .env("VK_DRIVER_FILES", "/nonexistent/icd.json")
        .env_remove("VK_ADD_DRIVER_FILES")
        .env_remove("WGPU_BACKEND")
        .envs(env.iter().copied())
        .output()
        .expect("plainsight runs")
}

/// Exit 1, the error says what was looked for and what to install, and nothing panicked.
fn assert_clear_error(output: &Output, looked_for: &str) {
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "stderr: {stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(stderr.contains("no graphics adapter"), "{stderr}");
    assert!(stderr.contains(looked_for), "{stderr}");
    assert!(
        stderr.contains("apt-get install mesa-vulkan-drivers"),
        "{stderr}"
    );
}

fn out_png(name: &str) -> PathBuf {
    std::env::temp_dir().join(format!(
        "plainsight-no-gpu-{}-{name}.png",
        std::process::id()
    ))
}

// Bevy panicked ("Unable to find a GPU!", exit 101, a backtrace) when wgpu found no adapter.
#[test]
fn render_with_no_adapter_exits_1_with_what_to_install() {
    let out = out_png("vulkan-only");
    let args = [
        "render",
        "e2e",
        "--out",
        out.to_str().expect("a UTF-8 temp path"),
    ];
    let output = without_vulkan(&args, &[("WGPU_BACKEND", "vulkan")]);
    assert_clear_error(&output, "Vulkan");
    assert!(!out.exists(), "no PNG without an adapter");
}

#[test]
fn render_without_vulkan_falls_back_to_opengl_or_says_what_to_install() {
    // Whether this machine has OpenGL ES decides the outcome: ask it alone first, then the
    // fallback must draw exactly where OpenGL ES alone does, and fail clearly where it cannot.
    let gl_out = out_png("gl-only");
    let gl_path = gl_out.to_str().expect("a UTF-8 temp path");
    let gl = without_vulkan(
        &["render", "e2e", "--step", "7", "--out", gl_path],
        &[("WGPU_BACKEND", "gl")],
    );
    let _ = std::fs::remove_file(&gl_out);
    let out = out_png("fallback");
    let path = out.to_str().expect("a UTF-8 temp path");
    let output = without_vulkan(&["render", "e2e", "--step", "7", "--out", path], &[]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    if gl.status.success() {
        // Mesa's OpenGL ES through EGL drew it.
        assert_eq!(output.status.code(), Some(0), "{stderr}");
        let size = std::fs::metadata(&out).map(|m| m.len()).unwrap_or(0);
        assert!(size > 10_000, "a real frame, not {size} bytes");
        let _ = std::fs::remove_file(&out);
    } else {
        assert_clear_error(&output, "then OpenGL ES");
    }
}

#[test]
fn view_without_vulkan_exits_1_before_opening_a_window() {
    // The adapter is looked for before the window opens, so this display is never reached.
    let output = without_vulkan(&["view", "e2e"], &[("DISPLAY", ":4242")]);
    assert_clear_error(&output, "Vulkan");
}
