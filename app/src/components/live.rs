//! Live lists: a list follows its project's live stream (`/api/v1/projects/{project}/live`,
//! Server-Sent Events read with gloo-net's `EventSource`) and fetches its first page again when
//! something arrives — at most twice a second, however fast entries come. Paused, or on a later
//! page, it counts what arrived in an "N new — show" banner instead.
//!
//! The stream is opened only in the browser, once hydrated (never during server-side
//! rendering), closed when the list goes away, and opened again when the server closes it (a
//! restart, say). Whatever happened while it was not open is fetched again once it is.

use std::time::Duration;

use engine::{
    ids::{EventId, SubscriptionId},
    live::{Lagged, LiveDelivery},
};
use leptos::prelude::*;
use leptos_router::hooks::{use_location, use_navigate, use_query_map};

use super::use_ticker;

/// How often, at most, a list refetches while entries keep arriving.
const COALESCE: Duration = Duration::from_millis(500);
/// How long to wait before opening again a stream the server closed.
#[cfg(feature = "hydrate")]
const REOPEN: Duration = Duration::from_secs(5);

/// What a list shows, so which entries concern it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Watch {
    Events,
    /// Of one subscription (filtered by the server) or one event (here), if given.
    Deliveries {
        subscription: Option<SubscriptionId>,
        event: Option<EventId>,
    },
}

/// What the browser heard on the stream.
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
#[derive(Debug, Clone, PartialEq, Eq)]
enum Heard {
    /// A stream is being opened (again).
    Connecting,
    Opened,
    Entry {
        name: String,
        data: String,
    },
}

/// What an entry means to a list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Arrival {
    /// A row that was not there.
    New,
    /// A row that is there changed.
    Changed,
    /// Entries went by unseen: the stream fell behind.
    Missed,
    Ignored,
}

impl Watch {
    #[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
    fn url(self, project: &str) -> String {
        let base = format!("/api/v1/projects/{project}/live");
        match self {
            Watch::Deliveries {
                subscription: Some(id),
                ..
            } => format!("{base}?subscription_id={id}"),
            _ => base,
        }
    }

    fn judge(self, name: &str, data: &str) -> Arrival {
        match (self, name) {
            (Watch::Events, "event") => Arrival::New,
            (Watch::Deliveries { event, .. }, "delivery") => {
                match serde_json::from_str::<LiveDelivery>(data) {
                    Ok(d) if event.is_some_and(|e| e != d.event_id) => Arrival::Ignored,
                    Ok(d) if d.attempts == 0 => Arrival::New,
                    Ok(_) => Arrival::Changed,
                    Err(_) => Arrival::Missed,
                }
            }
            (_, "lagged") => match serde_json::from_str::<Lagged>(data) {
                Ok(Lagged { missed: 0 }) => Arrival::Ignored,
                _ => Arrival::Missed,
            },
            _ => Arrival::Ignored,
        }
    }
}

/// The stream's state, as `data-live` on the controls says it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Connection {
    /// Rendered on the server, or not hydrated yet.
    Off,
    Connecting,
    Open,
}

/// A list's live state; key the list's resource on [`LiveList::version`] and show
/// [`LiveControls`] above it.
#[derive(Debug, Clone, Copy)]
pub struct LiveList {
    /// Goes up whenever the list should be fetched again.
    pub version: RwSignal<u64>,
    /// New rows that arrived and are not shown.
    fresh: RwSignal<u64>,
    /// Something arrived that is not shown.
    stale: RwSignal<bool>,
    paused: RwSignal<bool>,
    connection: RwSignal<Connection>,
    /// Whether the stream was open before (opening again means entries may have been missed).
    opened_before: RwSignal<bool>,
    first_page: Signal<bool>,
}

impl LiveList {
    fn refresh(self) {
        self.fresh.set(0);
        self.stale.set(false);
        self.version.update(|v| *v += 1);
    }

    /// Whether what arrived waits behind the banner rather than being shown at once.
    fn waiting(self) -> bool {
        self.stale.get() && (self.paused.get() || !self.first_page.get())
    }

    #[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
    fn heard(self, watch: Watch, heard: Heard) {
        match heard {
            Heard::Opened => {
                self.connection.set(Connection::Open);
                if self.opened_before.get_untracked() {
                    self.stale.set(true);
                }
                self.opened_before.set(true);
            }
            Heard::Connecting => self.connection.set(Connection::Connecting),
            Heard::Entry { name, data } => match watch.judge(&name, &data) {
                Arrival::New => {
                    self.fresh.update(|n| *n += 1);
                    self.stale.set(true);
                }
                Arrival::Changed | Arrival::Missed => self.stale.set(true),
                Arrival::Ignored => {}
            },
        }
    }
}

/// Follows `project`'s stream for a list showing `watch`.
pub fn use_live(project: String, watch: Watch) -> LiveList {
    let query = use_query_map();
    let live = LiveList {
        version: RwSignal::new(0),
        fresh: RwSignal::new(0),
        stale: RwSignal::new(false),
        paused: RwSignal::new(false),
        connection: RwSignal::new(Connection::Off),
        opened_before: RwSignal::new(false),
        first_page: Signal::derive(move || query.read().get("cursor").is_none()),
    };
    // Coalesced: however many entries arrived since the last tick, one refetch.
    let tick = use_ticker(COALESCE);
    Effect::new(move |_| {
        tick.track();
        let showing = !live.paused.get_untracked() && live.first_page.get_untracked();
        if showing && live.stale.get_untracked() {
            live.refresh();
        }
    });
    #[cfg(feature = "hydrate")]
    stream::follow(watch.url(&project), move |heard| live.heard(watch, heard));
    #[cfg(not(feature = "hydrate"))]
    let _ = (project, watch);
    live
}

/// "Pause live" / "Resume live", and the "N new — show" banner while new rows wait.
#[component]
pub fn LiveControls(live: LiveList) -> impl IntoView {
    let navigate = use_navigate();
    let location = use_location();
    let show = move |_| {
        if !live.first_page.get_untracked() {
            let mut query = location.query.get_untracked();
            query.remove("cursor");
            let first = format!(
                "{}{}",
                location.pathname.get_untracked(),
                query.to_query_string()
            );
            navigate(&first, Default::default());
        }
        live.refresh();
    };
    let state = move || match live.connection.get() {
        Connection::Off => "off",
        Connection::Connecting => "connecting",
        Connection::Open if live.paused.get() => "paused",
        Connection::Open => "open",
    };
    let banner = move || match live.fresh.get() {
        0 => "Updated — show".to_owned(),
        1 => "1 new — show".to_owned(),
        n => format!("{n} new — show"),
    };
    view! {
        <div class="live-controls" data-live=state>
            <span class="live-state">
                {move || match state() {
                    "open" => "Live",
                    "paused" => "Paused",
                    _ => "Connecting…",
                }}
            </span>
            <button
                type="button"
                class="live-toggle"
                aria-pressed=move || live.paused.get().to_string()
                on:click=move |_| live.paused.update(|p| *p = !*p)
            >
                {move || if live.paused.get() { "Resume live" } else { "Pause live" }}
            </button>
            <Show when=move || live.waiting()>
                <button type="button" class="live-banner" on:click=show.clone()>
                    {banner}
                </button>
            </Show>
        </div>
    }
}

/// The browser's side: gloo-net's `EventSource`, one per list.
#[cfg(feature = "hydrate")]
mod stream {
    use futures_util::{future::abortable, stream::select_all, StreamExt};
    use gloo_net::eventsource::futures::EventSource;
    use leptos::{prelude::*, task::spawn_local};

    use super::{Heard, REOPEN};

    /// The entries' names, and the browser's own `open`.
    const NAMES: [&str; 4] = ["open", "event", "delivery", "lagged"];

    /// Reads `url` for as long as the calling component lives, opening it again after
    /// [`REOPEN`] whenever the server closes it for good (the browser itself reconnects after
    /// a dropped connection).
    pub fn follow(url: String, on: impl Fn(Heard) + Clone + 'static) {
        let reopen = RwSignal::new(0u64);
        Effect::new(move |_| {
            reopen.track();
            let (reading, stop) = abortable(read(url.clone(), on.clone()));
            spawn_local(async move {
                if reading.await.is_ok() {
                    // Nothing to reopen once the list is gone.
                    let again = move || {
                        let _ = reopen.try_update(|n| *n += 1);
                    };
                    set_timeout(again, REOPEN);
                }
            });
            // Dropping the reader closes its EventSource.
            on_cleanup(move || stop.abort());
        });
    }

    async fn read(url: String, on: impl Fn(Heard)) {
        on(Heard::Connecting);
        let Ok(mut source) = EventSource::new(&url) else {
            return;
        };
        let subscribed = NAMES.iter().filter_map(|name| source.subscribe(*name).ok());
        let mut heard = select_all(subscribed);
        while let Some(item) = heard.next().await {
            match item {
                Ok((name, _)) if name == "open" => on(Heard::Opened),
                Ok((name, message)) => on(Heard::Entry {
                    name,
                    data: message.data().as_string().unwrap_or_default(),
                }),
                // Only a stream closed for good reports an error.
                Err(_) => break,
            }
        }
        // Closed for good: `follow` opens it again shortly.
        on(Heard::Connecting);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn delivery(event: EventId, attempts: u32) -> String {
        serde_json::json!({
            "id": uuid::Uuid::now_v7(), "event_id": event, "subscription_id": uuid::Uuid::now_v7(),
            "status": "pending", "attempts": attempts, "last_status_code": null,
            "at": "2026-12-04T12:00:00Z"
        })
        .to_string()
    }

    #[test]
    fn a_list_counts_only_the_rows_it_shows_as_new() {
        let (mine, other) = (EventId::generate(), EventId::generate());
        let all = Watch::Deliveries {
            subscription: None,
            event: None,
        };
        let of_mine = Watch::Deliveries {
            subscription: None,
            event: Some(mine),
        };
        assert_eq!(all.judge("delivery", &delivery(other, 0)), Arrival::New);
        assert_eq!(all.judge("delivery", &delivery(other, 1)), Arrival::Changed);
        assert_eq!(all.judge("event", "{}"), Arrival::Ignored);
        assert_eq!(
            of_mine.judge("delivery", &delivery(other, 0)),
            Arrival::Ignored
        );
        assert_eq!(of_mine.judge("delivery", &delivery(mine, 0)), Arrival::New);
        assert_eq!(Watch::Events.judge("event", "{}"), Arrival::New);
        assert_eq!(
            Watch::Events.judge("delivery", &delivery(mine, 0)),
            Arrival::Ignored
        );
        for watch in [all, Watch::Events] {
            assert_eq!(watch.judge("lagged", r#"{"missed": 3}"#), Arrival::Missed);
        }
    }

    #[test]
    fn a_subscriptions_list_asks_the_server_for_its_deliveries_only() {
        let id = SubscriptionId::generate();
        let of = Watch::Deliveries {
            subscription: Some(id),
            event: None,
        };
        assert_eq!(
            of.url("team-a"),
            format!("/api/v1/projects/team-a/live?subscription_id={id}")
        );
        assert_eq!(Watch::Events.url("team-a"), "/api/v1/projects/team-a/live");
    }
}
