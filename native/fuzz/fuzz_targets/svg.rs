#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(
    init: {
        // usvg 0.45 panics on some images (tiny-skia-path's Size::to_non_zero_rect);
        // wfall-render contains those (catch_unwind around usvg's parser, E_RENDER).
        // libfuzzer-sys's hook would abort before they unwind to it, so let panics
        // raised in those two crates unwind: one escaping our code still aborts,
        // as libfuzzer-sys aborts on any panic leaving the target.
        let abort = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let upstream = info.location().is_some_and(|l| ["/usvg-", "/tiny-skia-path-"].iter().any(|c| l.file().contains(c)));
            if !upstream {
                abort(info);
            }
        }));
    },
    |data: &[u8]| wfall_render::fuzzing::svg(data)
);
