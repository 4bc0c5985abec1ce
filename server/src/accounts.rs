//! `hookhub user …` and `hookhub token …`: account set-up from the command line, which is
//! trusted (whoever runs it can read the database anyway).

use engine::{
    account::{TokenIn, UserIn},
    credentials::random_bearer,
    Engine,
};

use crate::config::{TokenCommand, UserCommand};

type Result = std::result::Result<(), Box<dyn std::error::Error>>;

pub async fn user(engine: &Engine, command: UserCommand) -> Result {
    let UserCommand::Create {
        username,
        full_name,
        email,
        admin,
        if_no_users,
    } = command;
    if if_no_users && engine.count_users().await? > 0 {
        return Ok(());
    }
    let given = std::env::var("HOOKHUB_PASSWORD").ok();
    let password = given.clone().unwrap_or_else(|| random_bearer(""));
    let input = UserIn {
        username,
        full_name,
        email,
        password: password.clone(),
        is_admin: admin,
    };
    let user = engine.create_user(None, input).await.map_err(describe)?;
    let role = if user.is_admin { "admin" } else { "user" };
    println!("created {role} {:?}", user.username);
    if given.is_none() {
        // Shown once: only its argon2 hash is stored.
        println!("password: {password}");
    }
    Ok(())
}

pub async fn token(engine: &Engine, command: TokenCommand) -> Result {
    let TokenCommand::Create {
        username,
        name,
        project,
        role,
    } = command;
    let caller = engine.local_caller(&username).await.map_err(describe)?;
    let input = TokenIn {
        name,
        project,
        role,
    };
    let created = engine
        .create_token(&caller, input)
        .await
        .map_err(describe)?;
    // Alone on stdout, so scripts can capture it; shown once, stored only as a hash.
    println!("{}", created.secret);
    Ok(())
}

/// The engine's error with its field messages, for a person at a terminal.
fn describe(error: engine::EngineError) -> String {
    match &error {
        engine::EngineError::Invalid(fields) => fields
            .iter()
            .map(|(field, message)| format!("{field} {message}"))
            .collect::<Vec<_>>()
            .join("; "),
        _ => error.to_string(),
    }
}
