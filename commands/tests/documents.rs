//! The content-addressed document storage on the file system.

use std::path::{Path, PathBuf};

use commands::ports::documents::{DocumentStorage, FsDocumentStorage, StoredBlob, is_key};

const HELLO_SHA256: &str = "b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9";
const HELLO_MD5: &str = "5eb63bbbe01eeed093cb22bb8f5acdc3";

/// Every file under `dir`, relative to it, sorted.
fn files(dir: &Path) -> Vec<PathBuf> {
    fn walk(root: &Path, dir: &Path, out: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(root, &path, out);
            } else {
                out.push(path.strip_prefix(root).unwrap().to_owned());
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, dir, &mut out);
    out.sort();
    out
}

#[tokio::test]
async fn put_then_get_round_trip() {
    let dir = tempfile::tempdir().unwrap();
    let storage = FsDocumentStorage::open(&dir.path().join("documents")).unwrap();
    let body: Vec<u8> = (0..=255u8).cycle().take(100_000).collect();
    let blob = storage.put(body.clone()).await.unwrap();
    assert_eq!(blob.size, 100_000);
    assert!(is_key(&blob.key));
    assert_eq!(storage.get(&blob.key).await.unwrap(), Some(body.clone()));

    // Another instance on the same directory (a restart) sees it too.
    let reopened = FsDocumentStorage::open(&dir.path().join("documents")).unwrap();
    assert_eq!(reopened.get(&blob.key).await.unwrap(), Some(body));
}

#[tokio::test]
async fn known_body_has_known_key_md5_and_place() {
    let dir = tempfile::tempdir().unwrap();
    let storage = FsDocumentStorage::open(dir.path()).unwrap();
    let blob = storage.put(b"hello world".to_vec()).await.unwrap();
    assert_eq!(
        blob,
        StoredBlob {
            key: HELLO_SHA256.into(),
            size: 11,
            md5: HELLO_MD5.into(),
        }
    );
    assert_eq!(blob, StoredBlob::of(b"hello world"));
    assert_eq!(
        files(dir.path()),
        vec![PathBuf::from("b9").join("4d").join(HELLO_SHA256)]
    );
}

#[tokio::test]
async fn empty_body_is_a_document_too() {
    let dir = tempfile::tempdir().unwrap();
    let storage = FsDocumentStorage::open(dir.path()).unwrap();
    let blob = storage.put(Vec::new()).await.unwrap();
    assert_eq!(
        blob.key,
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    );
    assert_eq!(blob.md5, "d41d8cd98f00b204e9800998ecf8427e");
    assert_eq!(blob.size, 0);
    assert_eq!(storage.get(&blob.key).await.unwrap(), Some(Vec::new()));
}

#[tokio::test]
async fn same_body_twice_is_stored_once_under_one_key() {
    let dir = tempfile::tempdir().unwrap();
    let storage = FsDocumentStorage::open(dir.path()).unwrap();
    let first = storage.put(b"same".to_vec()).await.unwrap();
    let path = dir
        .path()
        .join(&first.key[0..2])
        .join(&first.key[2..4])
        .join(&first.key);
    let modified = std::fs::metadata(&path).unwrap().modified().unwrap();
    let second = storage.put(b"same".to_vec()).await.unwrap();
    assert_eq!(first, second);
    assert_eq!(
        std::fs::metadata(&path).unwrap().modified().unwrap(),
        modified
    );
    let other = storage.put(b"other".to_vec()).await.unwrap();
    assert_ne!(other.key, first.key);
    // Two bodies, two files, no temporary files left behind.
    assert_eq!(files(dir.path()).len(), 2);
}

#[tokio::test]
async fn concurrent_puts_of_one_body_agree() {
    let dir = tempfile::tempdir().unwrap();
    let storage = std::sync::Arc::new(FsDocumentStorage::open(dir.path()).unwrap());
    let tasks: Vec<_> = (0..8)
        .map(|_| {
            let storage = storage.clone();
            tokio::spawn(async move { storage.put(vec![7; 64 * 1024]).await.unwrap() })
        })
        .collect();
    let mut keys = Vec::new();
    for task in tasks {
        keys.push(task.await.unwrap().key);
    }
    keys.dedup();
    assert_eq!(keys.len(), 1);
    assert_eq!(files(dir.path()).len(), 1);
    assert_eq!(
        storage.get(&keys[0]).await.unwrap(),
        Some(vec![7; 64 * 1024])
    );
}

#[tokio::test]
async fn keys_that_are_not_keys_find_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let storage = FsDocumentStorage::open(&dir.path().join("documents")).unwrap();
    storage.put(b"hello world".to_vec()).await.unwrap();
    // A file outside the storage that a traversal would reach.
    std::fs::write(dir.path().join("secret"), b"secret").unwrap();
    for key in [
        "",
        "b9",
        &HELLO_SHA256.to_uppercase(),
        &HELLO_SHA256[..63],
        &format!("{HELLO_SHA256}0"),
        &format!("b9/4d/{HELLO_SHA256}"),
        "../secret",
        "../../../../../../../../../../../../../../../../../../../../../secret",
        "g94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9",
        "b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcdé",
    ] {
        assert!(!is_key(key), "{key}");
        assert_eq!(storage.get(key).await.unwrap(), None, "{key}");
    }
    // A well-formed key of nothing stored.
    assert_eq!(storage.get(&"0".repeat(64)).await.unwrap(), None);
    assert!(storage.get(HELLO_SHA256).await.unwrap().is_some());
}

#[tokio::test]
async fn damaged_file_is_an_error_and_a_new_put_repairs_it() {
    let dir = tempfile::tempdir().unwrap();
    let storage = FsDocumentStorage::open(dir.path()).unwrap();
    let blob = storage.put(b"hello world".to_vec()).await.unwrap();
    let path = dir.path().join("b9").join("4d").join(&blob.key);
    std::fs::write(&path, b"hello WORLD").unwrap();
    let error = storage.get(&blob.key).await.unwrap_err();
    assert!(error.to_string().contains("damaged"), "{error}");

    assert_eq!(storage.put(b"hello world".to_vec()).await.unwrap(), blob);
    assert_eq!(
        storage.get(&blob.key).await.unwrap(),
        Some(b"hello world".to_vec())
    );
}

#[test]
fn open_creates_the_directory() {
    let dir = tempfile::tempdir().unwrap();
    let nested = dir.path().join("a").join("b").join("documents");
    FsDocumentStorage::open(&nested).unwrap();
    assert!(nested.is_dir());
}
