//! "Send test": a test delivery to the subscription, shown pending and then completed or failed
//! with the endpoint's status, how long it took and what it answered.

use std::time::Duration;

use engine::{ids::SubscriptionId, probe::TestStatus};
use leptos::prelude::*;

use crate::{
    api::subscriptions::{get_test, StartTest},
    components::{format::millis, use_ticker, JsonView, StatusBadge},
};

/// How often a running test is asked for its outcome.
const POLL: Duration = Duration::from_millis(400);

#[component]
pub fn TestPanel(project: String, id: SubscriptionId) -> impl IntoView {
    let start = ServerAction::<StartTest>::new();
    let started = move || start.value().get().and_then(Result::ok).map(|t| t.id);
    let tick = use_ticker(POLL);
    let test = {
        let project = project.clone();
        Resource::new(started, move |test| {
            let project = project.clone();
            async move {
                match test {
                    Some(test) => get_test(project, test).await.map(Some),
                    None => Ok(None),
                }
            }
        })
    };
    // While the test runs, ask again on each tick.
    Effect::new(move |_| {
        tick.track();
        if let Some(Ok(Some(current))) = test.get_untracked() {
            if current.status == TestStatus::Pending {
                test.refetch();
            }
        }
    });
    let send = move |_| {
        start.dispatch(StartTest {
            project: project.clone(),
            id,
        });
    };
    let failed_to_start = move || {
        start
            .value()
            .get()
            .and_then(Result::err)
            .map(|e| e.to_string())
    };
    view! {
        <div class="card test-panel">
            <h2>"Test the endpoint"</h2>
            <button type="button" on:click=send disabled=move || start.pending().get()>
                "Send test"
            </button>
            {move || failed_to_start().map(|e| view! { <p class="notice error" role="alert">{e}</p> })}
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    let current = test.await.ok().flatten()?;
                    let took = current.completed_at.map(|done| {
                        millis(Some((done - current.created_at).num_milliseconds().max(0) as u64))
                    });
                    Some(view! {
                        <div class="test-result" data-testid="test-result" aria-live="polite">
                            <StatusBadge status=current.status.as_str() />
                            {current.response_status.map(|s| view! { <span>" HTTP " {s}</span> })}
                            {took.map(|t| view! { <span class="muted">" in " {t}</span> })}
                            {current.error_message.map(|e| view! { <p class="field-error">{e}</p> })}
                            {current.response_body.filter(|b| !b.is_empty()).map(|body| view! { <JsonView text=body /> })}
                        </div>
                    })
                })}
            </Transition>
        </div>
    }
}
