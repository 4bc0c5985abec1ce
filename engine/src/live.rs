//! The live feed: what happens in a project as it happens — an event was accepted, a delivery
//! changed — for the dashboard's live lists and `GET /projects/{project}/live`.
//!
//! The entries are shared with the browser build; the feed itself (`server` feature) is one
//! `tokio::sync::broadcast` channel per process. Ingest and the attempt recorder publish to it
//! after their transaction commits. Publishing never waits: when nobody watches it returns at
//! once without building an entry, and a watcher that falls more than [`CAPACITY`] entries
//! behind (a slow browser, a stalled connection) loses the oldest and is told how many it
//! missed ([`Live::Lagged`]) — the sender is never held back by it, so a slow browser cannot
//! slow delivery.
//!
//! The feed is per process: with several instances on one PostgreSQL database, a stream shows
//! what its own instance ingests and delivers. (Announcing every entry to the others with
//! `NOTIFY` would put a database round trip on the hot path.)

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::{
    delivery::DeliveryStatus,
    ids::{DeliveryId, EventId, SubscriptionId},
};

/// One entry of a project's live stream.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(untagged)]
pub enum Live {
    /// Named `event` in the stream.
    Event(LiveEvent),
    /// Named `delivery` in the stream.
    Delivery(LiveDelivery),
    /// Named `lagged` in the stream.
    Lagged(Lagged),
}

impl Live {
    /// The entry's name in a Server-Sent Events stream.
    pub fn name(&self) -> &'static str {
        match self {
            Live::Event(_) => "event",
            Live::Delivery(_) => "delivery",
            Live::Lagged(_) => "lagged",
        }
    }
}

/// An event was accepted (stored with its deliveries).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LiveEvent {
    pub id: EventId,
    #[serde(rename = "type")]
    pub event_type: String,
    pub created_at: DateTime<Utc>,
}

/// A delivery was created or an attempt of it was recorded.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LiveDelivery {
    pub id: DeliveryId,
    pub event_id: EventId,
    pub subscription_id: SubscriptionId,
    pub status: DeliveryStatus,
    pub attempts: u32,
    pub last_status_code: Option<u16>,
    /// When it changed.
    pub at: DateTime<Utc>,
}

/// The stream fell behind and skipped `missed` entries: refetch the lists it feeds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Lagged {
    pub missed: u64,
}

/// Which of a project's entries a stream carries.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(
    feature = "openapi",
    derive(utoipa::IntoParams),
    into_params(parameter_in = Query)
)]
#[serde(default)]
pub struct LiveFilter {
    /// Only this subscription's deliveries (events, which belong to no subscription, are left
    /// out).
    pub subscription_id: Option<SubscriptionId>,
}

#[cfg(feature = "server")]
pub(crate) use feed::Feed;

#[cfg(feature = "server")]
mod feed {
    use std::sync::Arc;

    use futures_util::Stream;
    use tokio::sync::broadcast::{self, error::RecvError};

    use super::{Lagged, Live, LiveFilter};
    use crate::ids::ProjectId;

    /// Entries a watcher may fall behind before it loses the oldest: a few seconds of a busy
    /// instance, a few hundred kilobytes.
    pub const CAPACITY: usize = 4096;

    /// One entry as published: whose it is, and what.
    #[derive(Debug)]
    struct Entry {
        project: ProjectId,
        live: Live,
    }

    impl Entry {
        fn shown_by(&self, project: ProjectId, filter: &LiveFilter) -> bool {
            self.project == project
                && match (&self.live, filter.subscription_id) {
                    (_, None) => true,
                    (Live::Delivery(delivery), Some(only)) => delivery.subscription_id == only,
                    (_, Some(_)) => false,
                }
        }
    }

    /// This process's live feed; cheap to clone.
    #[derive(Debug, Clone)]
    pub struct Feed {
        sender: broadcast::Sender<Arc<Entry>>,
    }

    impl Default for Feed {
        fn default() -> Self {
            Feed {
                sender: broadcast::channel(CAPACITY).0,
            }
        }
    }

    impl Feed {
        /// Publishes the entries `build` makes, about `project`. Never waits; `build` is not
        /// called while nobody watches.
        pub fn publish<I>(&self, project: ProjectId, build: impl FnOnce() -> I)
        where
            I: IntoIterator<Item = Live>,
        {
            if self.sender.receiver_count() == 0 {
                return;
            }
            for live in build() {
                // An error means the last watcher left meanwhile: nobody misses the entry.
                let _ = self.sender.send(Arc::new(Entry { project, live }));
            }
        }

        /// Every entry of `project` that `filter` lets through from now on, and a
        /// [`Live::Lagged`] wherever the watcher fell behind. Ends only when the feed does.
        pub fn watch(
            &self,
            project: ProjectId,
            filter: LiveFilter,
        ) -> impl Stream<Item = Live> + Send + 'static {
            let receiver = self.sender.subscribe();
            futures_util::stream::unfold(receiver, move |mut receiver| {
                let filter = filter.clone();
                async move {
                    loop {
                        match receiver.recv().await {
                            Ok(entry) if entry.shown_by(project, &filter) => {
                                return Some((entry.live.clone(), receiver))
                            }
                            Ok(_) => continue,
                            Err(RecvError::Lagged(missed)) => {
                                return Some((Live::Lagged(Lagged { missed }), receiver))
                            }
                            Err(RecvError::Closed) => return None,
                        }
                    }
                }
            })
        }
    }
}

#[cfg(all(test, feature = "server"))]
mod tests {
    use futures_util::StreamExt;
    use uuid::Uuid;

    use super::{feed::CAPACITY, *};
    use crate::ids::ProjectId;

    fn event(n: u128) -> Live {
        Live::Event(LiveEvent {
            id: EventId(Uuid::from_u128(n)),
            event_type: "order.paid".into(),
            created_at: DateTime::UNIX_EPOCH,
        })
    }

    fn delivery(subscription: SubscriptionId) -> Live {
        Live::Delivery(LiveDelivery {
            id: DeliveryId::generate(),
            event_id: EventId::generate(),
            subscription_id: subscription,
            status: DeliveryStatus::Pending,
            attempts: 0,
            last_status_code: None,
            at: Utc::now(),
        })
    }

    #[test]
    fn nothing_is_built_while_nobody_watches() {
        let feed = Feed::default();
        feed.publish(ProjectId::generate(), || -> Vec<Live> {
            panic!("built an entry nobody watches")
        });
    }

    #[tokio::test]
    async fn a_watcher_sees_only_its_project_and_subscription() {
        let feed = Feed::default();
        let (mine, theirs) = (ProjectId::generate(), ProjectId::generate());
        let (wanted, other) = (SubscriptionId::generate(), SubscriptionId::generate());
        let all = feed.watch(mine, LiveFilter::default());
        let only = feed.watch(
            mine,
            LiveFilter {
                subscription_id: Some(wanted),
            },
        );
        let (first, second, third) = (event(1), delivery(other), delivery(wanted));
        feed.publish(theirs, || [event(9), delivery(wanted)]);
        feed.publish(mine, || [first.clone(), second.clone(), third.clone()]);
        drop(feed);
        assert_eq!(
            all.collect::<Vec<_>>().await,
            [first, second, third.clone()]
        );
        assert_eq!(only.collect::<Vec<_>>().await, [third]);
    }

    #[tokio::test]
    async fn a_watcher_that_falls_behind_is_told_what_it_missed_and_never_holds_the_sender() {
        let feed = Feed::default();
        let project = ProjectId::generate();
        let mut watcher = Box::pin(feed.watch(project, LiveFilter::default()));
        let published = CAPACITY as u128 + 10;
        // Nobody reads while all of them go out: publishing returns every time.
        for n in 0..published {
            feed.publish(project, || [event(n)]);
        }
        assert_eq!(
            watcher.next().await,
            Some(Live::Lagged(Lagged { missed: 10 }))
        );
        assert_eq!(watcher.next().await, Some(event(10)));
    }
}
