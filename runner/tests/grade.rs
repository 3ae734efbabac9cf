//! `memlings grade` on a class of generated submissions: every form a
//! submission comes in, every kind of bad input, exact scores in every
//! report format, and the grader's checkout unchanged afterwards.

mod common;

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};

use common::{Output, Sandbox};

/// Two cheap exercises keep the test short; every submission holds all.
const ONLY: &str = "units,human_size";

/// The grader's checkout and the class folder, built once: each grade
/// after the first reuses the compiled dependencies.
struct Class {
    grader: Sandbox,
    _dir: tempfile::TempDir,
    submissions: PathBuf,
}

fn class() -> &'static Mutex<Class> {
    static CLASS: OnceLock<Mutex<Class>> = OnceLock::new();
    CLASS.get_or_init(|| Mutex::new(build_class()))
}

/// Student to (units score, human_size score).
fn expected_scores() -> BTreeMap<String, (u32, u32)> {
    [
        ("all_solved", (1, 1)),
        ("broken", (0, 0)),
        ("empty", (0, 0)),
        ("extras", (1, 0)),
        ("half_solved", (1, 0)),
        ("none_solved", (0, 0)),
        ("symlink", (0, 1)),
        ("syntax_error", (1, 0)),
        ("tarball", (1, 0)),
        ("zipped", (1, 1)),
        ("zz\u{fffd}name", (1, 1)),
    ]
    .into_iter()
    .map(|(name, scores)| (name.to_string(), scores))
    .collect()
}

fn rel(name: &str) -> &'static str {
    match name {
        "units" => "01_bits_and_bytes/units.rs",
        "human_size" => "01_bits_and_bytes/human_size.rs",
        _ => unreachable!(),
    }
}

/// Copies the folder `from` to `to`.
fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            copy_tree(&path, &to.join(entry.file_name()));
        } else {
            std::fs::copy(&path, to.join(entry.file_name())).unwrap();
        }
    }
}

/// Every file of `root` outside `target/`, with its content.
fn files(root: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut found = BTreeMap::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap().flatten() {
            let path = entry.path();
            if path == root.join("target") {
                continue;
            }
            if path.is_dir() {
                stack.push(path);
            } else {
                found.insert(path.clone(), std::fs::read(&path).unwrap_or_default());
            }
        }
    }
    found
}

fn build_class() -> Class {
    let grader = Sandbox::new();
    let dir = tempfile::tempdir().unwrap();
    let subs = dir.path().join("class");
    let solutions = grader.root.join("solutions");
    let pristine = grader.root.join("runner/pristine");
    let starters = |to: &Path| copy_tree(&pristine, to);
    let solve = |to: &Path, name: &str| {
        std::fs::copy(solutions.join(rel(name)), to.join(rel(name))).unwrap();
    };

    // A copy of the whole repository with every exercise solved.
    let all = subs.join("all_solved");
    copy_tree(&solutions, &all.join("exercises"));
    std::fs::write(all.join("README.md"), "my work\n").unwrap();
    copy_tree(
        &grader.root.join("runner/checks"),
        &all.join("runner/checks"),
    );

    // The exercises/ folder itself, as handed out.
    starters(&subs.join("none_solved"));

    let half = subs.join("half_solved/exercises");
    starters(&half);
    solve(&half, "units");

    let syntax = subs.join("syntax_error/exercises");
    starters(&syntax);
    solve(&syntax, "units");
    solve(&syntax, "human_size");
    let mut file = std::fs::OpenOptions::new()
        .append(true)
        .open(syntax.join(rel("human_size")))
        .unwrap();
    writeln!(file, "fn unfinished( {{").unwrap();

    std::fs::create_dir_all(subs.join("empty")).unwrap();

    // human_size missing, and files that are no exercise.
    let extras = subs.join("extras/exercises");
    std::fs::create_dir_all(extras.join("01_bits_and_bytes")).unwrap();
    solve(&extras, "units");
    std::fs::write(extras.join("notes.md"), "todo\n").unwrap();
    std::fs::write(extras.join("01_bits_and_bytes/units_old.rs"), "x\n").unwrap();

    // units is a link to the grader's own solution: refused.
    let link = subs.join("symlink/exercises");
    starters(&link);
    solve(&link, "human_size");
    std::fs::remove_file(link.join(rel("units"))).unwrap();
    std::os::unix::fs::symlink(solutions.join(rel("units")), link.join(rel("units"))).unwrap();

    // A zip of the solved exercises/ folder, wrapped in a folder of its own.
    let zip_file = std::fs::File::create(subs.join("zipped.zip")).unwrap();
    let mut zip = zip::ZipWriter::new(zip_file);
    let options = zip::write::SimpleFileOptions::default();
    for name in ["units", "human_size"] {
        zip.start_file(format!("hw1/exercises/{}", rel(name)), options)
            .unwrap();
        zip.write_all(&std::fs::read(solutions.join(rel(name))).unwrap())
            .unwrap();
    }
    zip.finish().unwrap();

    // A tarball of a half-solved exercises/ folder's contents.
    let tar_file = std::fs::File::create(subs.join("tarball.tar.gz")).unwrap();
    let gz = flate2::write::GzEncoder::new(tar_file, flate2::Compression::default());
    let mut tar = tar::Builder::new(gz);
    for (name, from) in [("units", &solutions), ("human_size", &pristine)] {
        tar.append_path_with_name(from.join(rel(name)), rel(name))
            .unwrap();
    }
    tar.into_inner().unwrap().finish().unwrap();

    std::fs::write(subs.join("broken.zip"), "this is no zip archive").unwrap();

    // A name that is not UTF-8, all solved.
    let odd = {
        use std::os::unix::ffi::OsStrExt;
        subs.join(std::ffi::OsStr::from_bytes(b"zz\xffname"))
    };
    let odd_ex = odd.join("exercises");
    starters(&odd_ex);
    solve(&odd_ex, "units");
    solve(&odd_ex, "human_size");

    // Hidden entries belong to no student.
    std::fs::write(subs.join(".DS_Store"), "x").unwrap();

    Class {
        grader,
        _dir: dir,
        submissions: subs,
    }
}

fn grade(class: &Class, extra: &[&str]) -> Output {
    let subs = class.submissions.to_str().unwrap();
    let mut args = vec!["grade", subs, "--only", ONLY, "--jobs", "2"];
    args.extend_from_slice(extra);
    class.grader.memlings(&args)
}

#[test]
fn every_format_gives_each_student_exactly_their_score() {
    let class = class().lock().unwrap_or_else(|e| e.into_inner());
    let before = files(&class.grader.root);
    let expected = expected_scores();

    // JSON, checked against its schema, then score by score.
    let out = grade(&class, &["--format", "json"]);
    out.assert_code(0);
    let report: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    validate(&report, "grade-report.schema.json");
    assert_eq!(report["schema_version"], 1);
    assert_eq!(report["max_score"], 2);
    let students = report["students"].as_array().unwrap();
    let got: BTreeMap<String, (u32, u32)> = students
        .iter()
        .map(|s| {
            let score = |i: usize| s["exercises"][i]["score"].as_u64().unwrap() as u32;
            (
                s["name"].as_str().unwrap().to_string(),
                (score(0), score(1)),
            )
        })
        .collect();
    assert_eq!(got, expected);
    for s in students {
        let (units, human) = expected[s["name"].as_str().unwrap()];
        assert_eq!(s["score"].as_u64().unwrap() as u32, units + human);
    }
    let student = |name: &str| {
        students
            .iter()
            .find(|s| s["name"] == name)
            .unwrap_or_else(|| panic!("no student {name}"))
    };
    let reason = |name: &str, ex: usize| student(name)["exercises"][ex]["reason"].clone();
    assert_eq!(reason("none_solved", 0)["kind"], "wrong_output");
    assert!(reason("none_solved", 0)["detail"]
        .as_str()
        .unwrap()
        .contains("expected"));
    assert_eq!(reason("syntax_error", 1)["kind"], "compile_error");
    let compile = reason("syntax_error", 1)["detail"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        compile.contains("exercises/01_bits_and_bytes/human_size.rs"),
        "the compiler's message names the learner's file: {compile}"
    );
    assert!(!compile.contains("target/memlings"), "{compile}");
    assert_eq!(reason("extras", 1)["kind"], "missing_file");
    assert_eq!(
        student("extras")["ignored"],
        serde_json::json!([
            "exercises/01_bits_and_bytes/units_old.rs",
            "exercises/notes.md"
        ])
    );
    assert_eq!(reason("symlink", 0)["kind"], "refused");
    assert!(reason("symlink", 0)["summary"]
        .as_str()
        .unwrap()
        .contains("symbolic link"));
    assert_eq!(reason("empty", 0)["kind"], "missing_file");
    assert!(student("empty")["problems"][0]
        .as_str()
        .unwrap()
        .starts_with("no exercise files in it"));
    assert!(student("broken")["problems"][0]
        .as_str()
        .unwrap()
        .starts_with("cannot read broken.zip"));
    assert!(student("zz\u{fffd}name")["problems"][0]
        .as_str()
        .unwrap()
        .contains("not UTF-8"));
    assert_eq!(student("zipped")["form"], "zip");
    assert_eq!(student("zipped")["exercise_folder"], "hw1/exercises/");
    assert_eq!(student("tarball")["exercise_folder"], ".");
    // README.md and the copied checks: outside exercises/, never read.
    assert_eq!(
        student("all_solved")["ignored_elsewhere"],
        1 + files(&class.grader.root.join("runner/checks")).len()
    );

    // CSV, to the byte.
    let out = grade(&class, &["--format", "csv"]);
    out.assert_code(0);
    let mut csv = String::from("student,units,human_size,total,max\n");
    for (name, (units, human)) in &expected {
        csv.push_str(&format!("{name},{units},{human},{},2\n", units + human));
    }
    assert_eq!(out.stdout, csv);

    // JUnit: each suite's failures, and a failure's reason.
    let out = grade(&class, &["--format", "junit"]);
    out.assert_code(0);
    for (name, (units, human)) in &expected {
        let failures = 2 - units - human;
        let suite = format!("<testsuite name=\"{name}\" tests=\"2\" failures=\"{failures}\"");
        assert!(out.stdout.contains(&suite), "no {suite} in\n{}", out.stdout);
    }
    let total_failures: u32 = expected.values().map(|(u, h)| 2 - u - h).sum();
    assert!(out.stdout.contains(&format!(
        "<testsuites name=\"memlings\" tests=\"22\" failures=\"{total_failures}\""
    )));
    assert!(out.stdout.contains("<failure type=\"compile_error\""));

    // Markdown: a row per student, the averages, the most common failures.
    let out = grade(&class, &["--format", "markdown"]);
    out.assert_code(0);
    let mark = |passed: u32| if passed == 1 { "✓" } else { "✗" };
    for (name, (units, human)) in &expected {
        let row = out
            .stdout
            .lines()
            .find(|l| l.starts_with(&format!("| {name} |")))
            .unwrap_or_else(|| panic!("no row for {name} in\n{}", out.stdout));
        let cells: Vec<&str> = row.split(" | ").collect();
        assert_eq!(cells[1], format!("{}/2", units + human), "{row}");
        assert!(cells[2].starts_with(mark(*units)), "{row}");
        assert!(cells[3].starts_with(mark(*human)), "{row}");
    }
    let total: u32 = expected.values().map(|(u, h)| u + h).sum();
    let average = (f64::from(total) / expected.len() as f64 * 100.0).round() / 100.0;
    out.assert_stdout_has(&format!("Class average: {average} / 2"));
    let passed_units = expected.values().filter(|(u, _)| *u == 1).count();
    let passed_human = expected.values().filter(|(_, h)| *h == 1).count();
    assert_eq!((passed_units, passed_human), (7, 4));
    // units: broken and empty miss it, the rest fail once each.
    out.assert_stdout_has("| units | 1 | 7/11 | 0.64 | missing file (2) |");
    // human_size: three missing, three wrong; a tie goes to the kind listed first.
    out.assert_stdout_has("| human_size | 1 | 4/11 | 0.36 | missing file (3) |");

    // To a file, which replaces the old report whole.
    let report_file = class.submissions.parent().unwrap().join("grades.csv");
    std::fs::write(&report_file, "old report\n").unwrap();
    let out = grade(
        &class,
        &["--format", "csv", "--output", report_file.to_str().unwrap()],
    );
    out.assert_code(0);
    assert_eq!(out.stdout, "");
    assert_eq!(std::fs::read_to_string(&report_file).unwrap(), csv);

    assert!(
        before == files(&class.grader.root),
        "grading changed the grader's checkout outside target/"
    );
}

#[test]
fn bad_input_is_one_line_that_says_what_to_do() {
    let class = class().lock().unwrap_or_else(|e| e.into_inner());
    let out = class.grader.memlings(&["grade", "/no/such/folder"]);
    out.assert_code(2);
    out.assert_stderr_has("the submissions folder /no/such/folder does not exist");
    assert_eq!(out.stderr.trim_end().lines().count(), 1, "{}", out.stderr);

    let empty = tempfile::tempdir().unwrap();
    let out = class
        .grader
        .memlings(&["grade", empty.path().to_str().unwrap()]);
    out.assert_code(2);
    out.assert_stderr_has("holds no submissions");
    assert_eq!(out.stderr.trim_end().lines().count(), 1, "{}", out.stderr);

    let subs = class.submissions.to_str().unwrap();
    let out = class.grader.memlings(&["grade", subs, "--only", "no_such"]);
    out.assert_code(2);
    out.assert_stderr_has("no exercise named `no_such`");
}

fn validate(report: &serde_json::Value, schema_file: &str) {
    let schema: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("../docs")
                .join(schema_file),
        )
        .unwrap(),
    )
    .unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let errors: Vec<String> = validator
        .iter_errors(report)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{schema_file}: {errors:#?}");
}

#[test]
fn gradescope_results_score_one_submission() {
    let class = class().lock().unwrap_or_else(|e| e.into_inner());
    let out_dir = tempfile::tempdir().unwrap();
    let results = out_dir.path().join("results/results.json");
    let half = class.submissions.join("half_solved");
    let out = class.grader.memlings(&[
        "grade",
        "--gradescope",
        "--submission",
        half.to_str().unwrap(),
        "--results",
        results.to_str().unwrap(),
        "--only",
        ONLY,
    ]);
    out.assert_code(0);
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&results).unwrap()).unwrap();
    validate(&report, "gradescope-results.schema.json");
    assert_eq!(report["score"], 1);
    let tests = report["tests"].as_array().unwrap();
    let summary: Vec<(&str, u64, u64, &str)> = tests
        .iter()
        .map(|t| {
            (
                t["name"].as_str().unwrap(),
                t["score"].as_u64().unwrap(),
                t["max_score"].as_u64().unwrap(),
                t["status"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [("units", 1, 1, "passed"), ("human_size", 0, 1, "failed")]
    );
    assert!(tests[1]["output"]
        .as_str()
        .unwrap()
        .starts_with("wrong output: "));

    // A submission that is one archive, found through the environment.
    let upload = out_dir.path().join("upload");
    std::fs::create_dir_all(&upload).unwrap();
    std::fs::copy(
        class.submissions.join("zipped.zip"),
        upload.join("zipped.zip"),
    )
    .unwrap();
    let results = out_dir.path().join("zipped.json");
    let out = class.grader.memlings_with_env(
        &["grade", "--gradescope", "--only", ONLY],
        &[
            ("MEMLINGS_GRADESCOPE_SUBMISSION", upload.to_str().unwrap()),
            ("MEMLINGS_GRADESCOPE_RESULTS", results.to_str().unwrap()),
        ],
    );
    out.assert_code(0);
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&results).unwrap()).unwrap();
    validate(&report, "gradescope-results.schema.json");
    assert_eq!(report["score"], 2);
}

/// Puts the registry back when dropped, whatever the test did.
struct RegistryGuard {
    path: PathBuf,
    original: String,
}

impl Drop for RegistryGuard {
    fn drop(&mut self) {
        std::fs::write(&self.path, &self.original).unwrap();
    }
}

#[test]
fn an_exercise_scores_its_weight_from_the_registry() {
    let class = class().lock().unwrap_or_else(|e| e.into_inner());
    let path = class.grader.root.join("runner/exercises.toml");
    let original = std::fs::read_to_string(&path).unwrap();
    let _guard = RegistryGuard {
        path: path.clone(),
        original: original.clone(),
    };
    let weighted = original.replacen("name = \"units\"\n", "name = \"units\"\nweight = 3\n", 1);
    assert_ne!(weighted, original, "the registry names units");
    std::fs::write(&path, weighted).unwrap();

    let out = grade(&class, &["--format", "csv"]);
    out.assert_code(0);
    let mut csv = String::from("student,units,human_size,total,max\n");
    for (name, (units, human)) in expected_scores() {
        let units = units * 3;
        csv.push_str(&format!("{name},{units},{human},{},4\n", units + human));
    }
    assert_eq!(out.stdout, csv);
}
