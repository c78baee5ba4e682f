// SPDX-License-Identifier: GPL-3.0-or-later
//! Parse + serialise of the largest document in the shared `xmlparse/` fixtures (the
//! issue's target: under 1 ms), and each half on its own. Run:
//! `cargo bench --no-default-features --bench xml_parse`.

use std::path::PathBuf;

use criterion::{black_box, criterion_group, criterion_main, Criterion, Throughput};
use vireo::xml::Document;

fn fixtures() -> PathBuf {
    match std::env::var_os("VIREO_FIXTURES") {
        Some(p) => PathBuf::from(p),
        None => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/fixtures"),
    }
}

/// The largest `.xml` file of `xmlparse/`, with its name.
fn largest_fixture() -> (String, String) {
    let dir = fixtures().join("xmlparse");
    let mut files: Vec<(u64, PathBuf)> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("fixtures {} missing: {e}", dir.display()))
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "xml"))
        .map(|p| (std::fs::metadata(&p).map(|m| m.len()).unwrap_or(0), p))
        .collect();
    files.sort();
    let (_, path) = files.pop().expect("at least one fixture");
    let name = path.file_name().unwrap().to_string_lossy().into_owned();
    (
        name,
        std::fs::read_to_string(&path).expect("readable fixture"),
    )
}

fn bench(c: &mut Criterion) {
    let (name, xml) = largest_fixture();
    let mut group = c.benchmark_group(format!("xml/{name}"));
    group.throughput(Throughput::Bytes(xml.len() as u64));
    group.bench_function("parse+serialize", |b| {
        b.iter(|| {
            let doc = Document::parse(black_box(&xml)).expect("fixture parses");
            black_box(doc.to_xml())
        })
    });
    group.bench_function("parse", |b| {
        b.iter(|| Document::parse(black_box(&xml)).expect("fixture parses"))
    });
    let doc = Document::parse(&xml).expect("fixture parses");
    group.bench_function("serialize", |b| b.iter(|| black_box(&doc).to_xml()));
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
