//! Only `hookhub migrate` and `hookhub serve` change the schema: every other command refuses a
//! database that is not up to date — saying to run `hookhub migrate` — and leaves it as it was,
//! so that a `token create` during a rolling upgrade never migrates a database others share.

use crate::{
    database::TestDatabase,
    process::{hookhub, hookhub_refused},
};

const ADVICE: &str = "; run `hookhub migrate` first";

#[tokio::test]
async fn commands_refuse_a_database_never_migrated_and_leave_it_alone() {
    let database = TestDatabase::new().await;
    let commands: [&[&str]; 3] = [
        &["token", "create", "--username", "ops"],
        &["user", "create", "--username", "ops"],
        &["worker"],
    ];
    for command in commands {
        let said = hookhub_refused(command, &database.url).await;
        assert!(
            said.contains("the database is not migrated") && said.contains(ADVICE),
            "{command:?}: {said}"
        );
    }
    if !database.is_postgres() {
        // Not even an empty file, which a later command would take for a database.
        assert_eq!(database.files(), Vec::<std::path::PathBuf>::new());
    }
    hookhub(&["migrate"], &database.url).await;
    hookhub(&["user", "create", "--username", "ops"], &database.url).await;
}

#[tokio::test]
async fn commands_refuse_a_schema_one_migration_behind_and_do_not_migrate_it() {
    let database = TestDatabase::new().await;
    hookhub(&["migrate"], &database.url).await;
    hookhub(&["user", "create", "--username", "ops"], &database.url).await;
    // As a newer binary sees a database its predecessor migrated: its last migration is missing.
    database
        .execute(
            "DELETE FROM _sqlx_migrations
             WHERE version = (SELECT max(version) FROM _sqlx_migrations)",
        )
        .await;
    let token = ["token", "create", "--username", "ops"];
    let said = hookhub_refused(&token, &database.url).await;
    assert!(
        said.contains("is not applied") && said.contains(ADVICE),
        "{said}"
    );
    // Refused again in the same words: the first refusal applied nothing.
    assert_eq!(hookhub_refused(&token, &database.url).await, said);
}
