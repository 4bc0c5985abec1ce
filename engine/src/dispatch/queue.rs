//! The worker's in-memory queue: deliveries this process holds a lease on, waiting per
//! subscription in the order they came, and the bound on each subscription's deliveries in
//! flight.
//!
//! Deliveries arrive two ways: born claimed, from this process's ingest (the transaction that
//! stores an event also leases its deliveries here, when there is room), and claimed from the
//! database (retries coming due, a crashed process's work, a backlog larger than this queue).
//! The queue is bounded in total and per subscription, so memory stays bounded however large
//! the backlog in the database; a subscription at its bound waits without holding a worker slot,
//! and others go on. Every lease held is listed here until its result is recorded, so that the
//! leases of deliveries still waiting in memory can be renewed.

use std::{
    collections::{HashMap, HashSet, VecDeque},
    sync::{Arc, Mutex, MutexGuard},
};

use tokio::sync::Notify;
use uuid::Uuid;

use crate::{event::Event, ids::ProjectId};

/// One leased delivery, ready to be sent.
#[derive(Debug, Clone)]
pub struct Job {
    pub delivery: Uuid,
    pub project: ProjectId,
    pub subscription: Uuid,
    pub event: Arc<Event>,
    /// Attempts made before this one.
    pub attempts: u32,
    /// A manual retry, replay or recovery: tried once.
    pub manual: bool,
}

/// How big the queue may grow.
#[derive(Debug, Clone, Copy)]
pub struct Bounds {
    /// Deliveries waiting in memory, in all.
    pub waiting: usize,
    /// Deliveries of one subscription waiting in memory.
    pub waiting_per_subscription: usize,
    /// Deliveries of one subscription in flight at once.
    pub in_flight_per_subscription: usize,
}

#[derive(Debug, Default)]
struct Lane {
    waiting: VecDeque<Job>,
    /// Taken by ingest transactions still committing.
    reserved: usize,
    in_flight: usize,
}

#[derive(Debug, Default)]
struct State {
    lanes: HashMap<Uuid, Lane>,
    /// Subscriptions with a job waiting and a free place in flight, each once, in turn.
    ready: VecDeque<Uuid>,
    /// Jobs waiting plus places reserved, in all lanes.
    waiting: usize,
    /// Every delivery this process holds a lease on: waiting, in flight or being recorded.
    leased: HashSet<Uuid>,
}

impl State {
    fn lane(&mut self, subscription: Uuid) -> &mut Lane {
        self.lanes.entry(subscription).or_default()
    }

    /// Puts the subscription in turn if it can start a job and is not in turn already.
    fn mark_ready(&mut self, subscription: Uuid, bound: usize) {
        let lane = self.lane(subscription);
        if !lane.waiting.is_empty() && lane.in_flight < bound && !self.ready.contains(&subscription)
        {
            self.ready.push_back(subscription);
        }
    }

    fn drop_idle(&mut self, subscription: Uuid) {
        if let Some(lane) = self.lanes.get(&subscription) {
            if lane.waiting.is_empty() && lane.reserved == 0 && lane.in_flight == 0 {
                self.lanes.remove(&subscription);
            }
        }
    }
}

/// Shared by the worker's tasks and this process's ingest; cheap to clone.
#[derive(Debug, Clone)]
pub struct Queue {
    shared: Arc<Shared>,
}

#[derive(Debug)]
struct Shared {
    bounds: Bounds,
    state: Mutex<State>,
    /// Told when a job can start: one arrived, or a place in flight was freed.
    ready: Notify,
    /// Told when room was made for more claims from the database.
    room: Arc<Notify>,
    /// Told when a lane left out of claims (more than half full) has drained to half.
    drained: Notify,
}

impl Queue {
    /// `room` is notified whenever there is room again for deliveries claimed from the
    /// database (the claimer waits on it).
    pub fn new(bounds: Bounds, room: Arc<Notify>) -> Queue {
        Queue {
            shared: Arc::new(Shared {
                bounds,
                state: Mutex::default(),
                ready: Notify::new(),
                room,
                drained: Notify::new(),
            }),
        }
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.shared.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Reserves a place for a delivery to each of `subscriptions` that has room; the answer
    /// says, in order, which got one. Places are filled by [`Reservation::fill`] once the
    /// deliveries are stored with their leases; those left are given back when it is dropped.
    pub fn reserve(&self, subscriptions: &[Uuid]) -> Reservation {
        let bounds = self.shared.bounds;
        let mut state = self.lock();
        let granted: Vec<bool> = subscriptions
            .iter()
            .map(|&subscription| {
                if state.waiting >= bounds.waiting {
                    return false;
                }
                let lane = state.lane(subscription);
                if lane.waiting.len() + lane.reserved >= bounds.waiting_per_subscription {
                    return false;
                }
                lane.reserved += 1;
                state.waiting += 1;
                true
            })
            .collect();
        let held = subscriptions
            .iter()
            .zip(&granted)
            .filter(|(_, &g)| g)
            .map(|(&s, _)| s)
            .collect();
        Reservation {
            queue: self.clone(),
            granted,
            held,
        }
    }

    /// Takes jobs claimed from the database (their leases are held already). The claimer asks
    /// for no more than [`Queue::room`] allows, so none is refused.
    pub fn push_claimed(&self, jobs: Vec<Job>) {
        let bound = self.shared.bounds.in_flight_per_subscription;
        let mut state = self.lock();
        for job in jobs {
            let subscription = job.subscription;
            state.leased.insert(job.delivery);
            state.waiting += 1;
            state.lane(subscription).waiting.push_back(job);
            state.mark_ready(subscription, bound);
        }
        drop(state);
        self.shared.ready.notify_one();
    }

    /// The most deliveries that may wait in memory.
    pub fn capacity(&self) -> usize {
        self.shared.bounds.waiting
    }

    /// How many more deliveries the database may hand over, and the subscriptions whose lane is
    /// more than half full (their deliveries stay in the database for now: claiming for a lane
    /// only once it has drained to half takes them in batches, not one transaction each).
    pub fn room(&self) -> (usize, Vec<Uuid>) {
        let bounds = self.shared.bounds;
        let state = self.lock();
        let full = state
            .lanes
            .iter()
            .filter(|(_, lane)| lane.waiting.len() + lane.reserved > self.half())
            .map(|(&subscription, _)| subscription)
            .collect();
        (bounds.waiting.saturating_sub(state.waiting), full)
    }

    /// The most a lane may hold and still be claimed for.
    fn half(&self) -> usize {
        self.shared.bounds.waiting_per_subscription / 2
    }

    /// Resolves once a lane that [`Queue::room`] left out has drained to half (create it
    /// before calling `room`, so that no drain in between is missed).
    pub fn drained(&self) -> tokio::sync::futures::Notified<'_> {
        self.shared.drained.notified()
    }

    /// The next job that may start now, with its place in flight; `None` when none may.
    pub fn next(&self) -> Option<(Job, InFlight)> {
        let bound = self.shared.bounds.in_flight_per_subscription;
        let mut state = self.lock();
        while let Some(subscription) = state.ready.pop_front() {
            // A lane emptied since it was put in turn is gone or has nothing waiting.
            let Some(lane) = state.lanes.get_mut(&subscription) else {
                continue;
            };
            if lane.in_flight >= bound {
                continue;
            }
            let Some(job) = lane.waiting.pop_front() else {
                continue;
            };
            lane.in_flight += 1;
            let drained = lane.waiting.len() + lane.reserved == self.half();
            state.waiting -= 1;
            state.mark_ready(subscription, bound);
            drop(state);
            self.shared.room.notify_waiters();
            if drained {
                self.shared.drained.notify_waiters();
            }
            return Some((
                job,
                InFlight {
                    queue: self.clone(),
                    subscription,
                },
            ));
        }
        None
    }

    /// Waits until [`Queue::next`] may have a job (call it again after).
    pub async fn ready(&self) {
        self.shared.ready.notified().await
    }

    /// The deliveries this process holds leases on, for renewal.
    pub fn leased(&self) -> Vec<Uuid> {
        self.lock().leased.iter().copied().collect()
    }

    /// The delivery's result is recorded (or will never be): its lease is no longer held here.
    pub fn settled(&self, delivery: Uuid) {
        self.lock().leased.remove(&delivery);
    }

    /// Drops the waiting jobs whose lease is not among `held` (it ran out: another worker may
    /// have the delivery now); returns how many.
    pub fn forget_unless(&self, held: &HashSet<Uuid>) -> usize {
        let mut state = self.lock();
        let mut lost = Vec::new();
        for lane in state.lanes.values_mut() {
            lane.waiting.retain(|job| {
                let keep = held.contains(&job.delivery);
                if !keep {
                    lost.push(job.delivery);
                }
                keep
            });
        }
        state.waiting -= lost.len();
        for delivery in &lost {
            state.leased.remove(delivery);
        }
        let subscriptions: Vec<Uuid> = state.lanes.keys().copied().collect();
        for subscription in subscriptions {
            state.drop_idle(subscription);
        }
        drop(state);
        self.shared.room.notify_waiters();
        lost.len()
    }

    /// Takes every waiting job out (at shutdown, to give their leases back).
    pub fn drain(&self) -> Vec<Job> {
        let mut state = self.lock();
        let jobs: Vec<Job> = state
            .lanes
            .values_mut()
            .flat_map(|lane| lane.waiting.drain(..))
            .collect();
        state.waiting -= jobs.len();
        state.ready.clear();
        for job in &jobs {
            state.leased.remove(&job.delivery);
        }
        jobs
    }
}

/// Places in the queue held for an ingest transaction.
pub struct Reservation {
    queue: Queue,
    /// Per subscription asked for, whether it got a place.
    granted: Vec<bool>,
    /// The places still held, one entry per place.
    held: Vec<Uuid>,
}

impl Reservation {
    /// Whether the `i`-th subscription asked for got a place.
    pub fn granted(&self, i: usize) -> bool {
        self.granted.get(i).copied().unwrap_or(false)
    }

    /// The transaction committed: these jobs, leased in it, take their places.
    pub fn fill(mut self, jobs: Vec<Job>) {
        let bound = self.queue.shared.bounds.in_flight_per_subscription;
        let mut state = self.queue.lock();
        for job in jobs {
            let subscription = job.subscription;
            let Some(place) = self.held.iter().position(|&s| s == subscription) else {
                continue;
            };
            self.held.swap_remove(place);
            // The job takes over its place, which stays counted as waiting.
            let lane = state.lane(subscription);
            lane.reserved -= 1;
            lane.waiting.push_back(job.clone());
            state.leased.insert(job.delivery);
            state.mark_ready(subscription, bound);
        }
        drop(state);
        self.queue.shared.ready.notify_one();
    }
}

impl Drop for Reservation {
    fn drop(&mut self) {
        if self.held.is_empty() {
            return;
        }
        let mut state = self.queue.lock();
        for subscription in self.held.drain(..) {
            state.lane(subscription).reserved -= 1;
            state.waiting -= 1;
            state.drop_idle(subscription);
        }
        drop(state);
        self.queue.shared.room.notify_waiters();
    }
}

/// A job's place in flight; dropping it (once the receiver answered) lets the next start.
pub struct InFlight {
    queue: Queue,
    subscription: Uuid,
}

impl Drop for InFlight {
    fn drop(&mut self) {
        let bound = self.queue.shared.bounds.in_flight_per_subscription;
        let mut state = self.queue.lock();
        state.lane(self.subscription).in_flight -= 1;
        state.mark_ready(self.subscription, bound);
        state.drop_idle(self.subscription);
        drop(state);
        self.queue.shared.ready.notify_one();
    }
}

#[cfg(test)]
mod tests {
    use chrono::Utc;
    use serde_json::json;

    use super::*;
    use crate::ids::EventId;

    fn queue(waiting: usize, per_subscription: usize, in_flight: usize) -> Queue {
        Queue::new(
            Bounds {
                waiting,
                waiting_per_subscription: per_subscription,
                in_flight_per_subscription: in_flight,
            },
            Arc::default(),
        )
    }

    fn job(subscription: Uuid) -> Job {
        Job {
            delivery: Uuid::new_v4(),
            project: ProjectId::generate(),
            subscription,
            event: Arc::new(Event {
                id: EventId::generate(),
                project: "p".into(),
                event_type: "t".into(),
                group: None,
                object: None,
                data: json!({}),
                message: String::new(),
                level: "info".into(),
                occurred_at: Utc::now(),
                idempotency_key: None,
                created_at: Utc::now(),
                schema_errors: None,
            }),
            attempts: 0,
            manual: false,
        }
    }

    #[test]
    fn jobs_of_one_subscription_start_in_order_within_its_bound() {
        let queue = queue(100, 100, 2);
        let s = Uuid::new_v4();
        let jobs: Vec<Job> = (0..3).map(|_| job(s)).collect();
        let order: Vec<Uuid> = jobs.iter().map(|j| j.delivery).collect();
        queue.push_claimed(jobs);
        let (first, first_place) = queue.next().unwrap();
        let (second, _second_place) = queue.next().unwrap();
        assert_eq!([first.delivery, second.delivery], order[..2]);
        assert!(queue.next().is_none(), "two in flight at most");
        drop(first_place);
        assert_eq!(queue.next().unwrap().0.delivery, order[2]);
    }

    #[test]
    fn a_busy_subscription_does_not_hold_up_the_others() {
        let queue = queue(100, 100, 1);
        let (busy, other) = (Uuid::new_v4(), Uuid::new_v4());
        queue.push_claimed(vec![job(busy), job(busy), job(other)]);
        let (a, _a) = queue.next().unwrap();
        let (b, _b) = queue.next().unwrap();
        assert_eq!((a.subscription, b.subscription), (busy, other));
        assert!(queue.next().is_none());
    }

    #[test]
    fn reservations_are_bounded_and_given_back_unless_filled() {
        let queue = queue(3, 2, 8);
        let (a, b) = (Uuid::new_v4(), Uuid::new_v4());
        let reservation = queue.reserve(&[a, a, a, b]);
        let granted: Vec<bool> = (0..4).map(|i| reservation.granted(i)).collect();
        assert_eq!(granted, [true, true, false, true], "two per subscription");
        assert_eq!(queue.room().0, 0, "three in all");
        assert!(!queue.reserve(&[b]).granted(0));
        let filled = job(a);
        let delivery = filled.delivery;
        reservation.fill(vec![filled]);
        assert_eq!(queue.room().0, 2, "the unfilled places came back");
        assert_eq!(queue.leased(), [delivery]);
        queue.settled(delivery);
        assert!(queue.leased().is_empty());
    }

    #[test]
    fn full_lanes_are_named_for_the_claimer_and_drained_at_shutdown() {
        let queue = queue(10, 2, 1);
        let s = Uuid::new_v4();
        queue.push_claimed(vec![job(s), job(s)]);
        assert_eq!(
            queue.room(),
            (8, vec![s]),
            "more than half of its lane waits"
        );
        let drained = queue.drain();
        assert_eq!(drained.len(), 2);
        assert!(queue.leased().is_empty());
        assert_eq!(queue.room().0, 10);
    }

    #[test]
    fn the_claimer_hears_when_a_full_lane_has_drained_to_half() {
        let queue = queue(100, 4, 4);
        let s = Uuid::new_v4();
        queue.push_claimed((0..4).map(|_| job(s)).collect());
        assert_eq!(queue.room().1, vec![s]);
        let drained = queue.drained();
        tokio::pin!(drained);
        drained.as_mut().enable();
        let _first = queue.next().unwrap();
        assert!(queue.room().1 == vec![s], "three of four still wait");
        use std::future::Future;
        let mut context = std::task::Context::from_waker(std::task::Waker::noop());
        assert!(drained.as_mut().poll(&mut context).is_pending());
        let _second = queue.next().unwrap();
        assert!(
            drained.as_mut().poll(&mut context).is_ready(),
            "two of four wait"
        );
        assert!(queue.room().1.is_empty());
    }

    #[test]
    fn jobs_whose_lease_was_lost_are_dropped_unsent() {
        let queue = queue(10, 10, 1);
        let s = Uuid::new_v4();
        let (kept, lost) = (job(s), job(s));
        let kept_id = kept.delivery;
        queue.push_claimed(vec![kept, lost]);
        assert_eq!(queue.forget_unless(&HashSet::from([kept_id])), 1);
        assert_eq!(queue.leased(), [kept_id]);
        assert_eq!(queue.next().unwrap().0.delivery, kept_id);
        assert!(queue.next().is_none());
    }
}
