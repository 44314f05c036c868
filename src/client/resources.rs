//! The resource handles of [`Client`]: one per API resource, each holding only the client.

use serde::Serialize;

use super::{json_text, Client};
use crate::api::{
    self,
    dlq::ListRequest,
    filter::BulkRequest,
    flow_control::{PinOptions, UnpinOptions},
    queues::UpsertQueueRequest,
    schedules::CreateScheduleRequest,
    url_groups::EndpointsRequest,
    PublishRequest,
};
use crate::error::Result;
use crate::model::{
    CancelResponse, DlqDeleteResponse, DlqListResponse, DlqMessage, DlqRetryResponse,
    FlowControlInfo, GlobalParallelism, Keys, Message, PublishResult, Queue as QueueInfo, Schedule,
    ScheduleCreated, UrlGroup,
};

/// `client.queue({queueName})`: queue management and enqueueing.
#[derive(Clone, Debug)]
pub struct Queue {
    client: Client,
    name: String,
}

impl Queue {
    pub(super) fn new(client: Client, name: String) -> Self {
        Queue { client, name }
    }

    /// The queue name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Creates or updates the queue.
    pub async fn upsert(&self, req: &UpsertQueueRequest) -> Result<()> {
        self.client
            .run_unit(api::queues::upsert(&self.name, req)?)
            .await
    }

    /// The queue's state.
    pub async fn get(&self) -> Result<QueueInfo> {
        self.client.run(api::queues::get(&self.name)?).await
    }

    /// Every queue.
    pub async fn list(&self) -> Result<Vec<QueueInfo>> {
        self.client.run(api::queues::list()).await
    }

    /// Deletes the queue.
    pub async fn delete(&self) -> Result<()> {
        self.client.run_unit(api::queues::delete(&self.name)?).await
    }

    /// Pauses delivery.
    pub async fn pause(&self) -> Result<()> {
        self.client.run_unit(api::queues::pause(&self.name)?).await
    }

    /// Resumes delivery.
    pub async fn resume(&self) -> Result<()> {
        self.client.run_unit(api::queues::resume(&self.name)?).await
    }

    /// Enqueues a message (same options as publish).
    pub async fn enqueue(&self, req: PublishRequest) -> Result<PublishResult> {
        let r = api::publish::enqueue(self.client.context(), &self.name, req)?;
        self.client.run(r).await
    }

    /// Enqueues `body` as JSON.
    pub async fn enqueue_json<T: Serialize + ?Sized>(
        &self,
        mut req: PublishRequest,
        body: &T,
    ) -> Result<PublishResult> {
        req.body = Some(json_text(body)?);
        let r = api::publish::enqueue_json(self.client.context(), &self.name, req)?;
        self.client.run(r).await
    }
}

/// `client.messages`.
#[derive(Clone, Debug)]
pub struct Messages {
    client: Client,
}

impl Messages {
    pub(super) fn new(client: Client) -> Self {
        Messages { client }
    }

    /// A message by id.
    pub async fn get(&self, message_id: &str) -> Result<Message> {
        self.client.run(api::messages::get(message_id)?).await
    }

    /// Cancels one message, several, a filter's matches, or all.
    pub async fn cancel(&self, req: &BulkRequest) -> Result<CancelResponse> {
        self.client.run_call(api::messages::cancel(req)?).await
    }
}

/// `client.schedules`.
#[derive(Clone, Debug)]
pub struct Schedules {
    client: Client,
}

impl Schedules {
    pub(super) fn new(client: Client) -> Self {
        Schedules { client }
    }

    /// Creates (or, with an existing `scheduleId`, updates) a schedule.
    pub async fn create(&self, req: CreateScheduleRequest) -> Result<ScheduleCreated> {
        let r = api::schedules::create(self.client.context(), req)?;
        self.client.run(r).await
    }

    /// A schedule by id.
    pub async fn get(&self, schedule_id: &str) -> Result<Schedule> {
        self.client.run(api::schedules::get(schedule_id)?).await
    }

    /// Every schedule.
    pub async fn list(&self) -> Result<Vec<Schedule>> {
        self.client.run(api::schedules::list()).await
    }

    /// Deletes a schedule.
    pub async fn delete(&self, schedule_id: &str) -> Result<()> {
        self.client
            .run_unit(api::schedules::delete(schedule_id)?)
            .await
    }

    /// Pauses a schedule.
    pub async fn pause(&self, schedule_id: &str) -> Result<()> {
        self.client
            .run_unit(api::schedules::pause(schedule_id))
            .await
    }

    /// Resumes a schedule.
    pub async fn resume(&self, schedule_id: &str) -> Result<()> {
        self.client
            .run_unit(api::schedules::resume(schedule_id))
            .await
    }
}

/// `client.urlGroups`.
#[derive(Clone, Debug)]
pub struct UrlGroups {
    client: Client,
}

impl UrlGroups {
    pub(super) fn new(client: Client) -> Self {
        UrlGroups { client }
    }

    /// Adds endpoints (creating the group if needed).
    pub async fn add_endpoints(&self, req: &EndpointsRequest) -> Result<()> {
        self.client
            .run_unit(api::url_groups::add_endpoints(req))
            .await
    }

    /// Removes endpoints (removing the last one deletes the group).
    pub async fn remove_endpoints(&self, req: &EndpointsRequest) -> Result<()> {
        self.client
            .run_unit(api::url_groups::remove_endpoints(req))
            .await
    }

    /// Every URL group.
    pub async fn list(&self) -> Result<Vec<UrlGroup>> {
        self.client.run(api::url_groups::list()).await
    }

    /// A URL group by name.
    pub async fn get(&self, name: &str) -> Result<UrlGroup> {
        self.client.run(api::url_groups::get(name)?).await
    }

    /// Deletes a URL group.
    pub async fn delete(&self, name: &str) -> Result<()> {
        self.client.run_unit(api::url_groups::delete(name)?).await
    }
}

/// `client.dlq`.
#[derive(Clone, Debug)]
pub struct Dlq {
    client: Client,
}

impl Dlq {
    pub(super) fn new(client: Client) -> Self {
        Dlq { client }
    }

    /// One page of DLQ messages.
    pub async fn list_messages(&self, req: &ListRequest) -> Result<DlqListResponse> {
        self.client.run(api::dlq::list_messages(req)?).await
    }

    /// One DLQ message by DLQ id.
    pub async fn get(&self, dlq_id: &str) -> Result<DlqMessage> {
        self.client.run(api::dlq::get(dlq_id)?).await
    }

    /// Deletes DLQ messages (call again with the returned cursor until it is `None`).
    pub async fn delete(&self, req: &BulkRequest) -> Result<DlqDeleteResponse> {
        self.client.run_call(api::dlq::delete(req)?).await
    }

    /// Retries DLQ messages (call again with the returned cursor until it is `None`).
    pub async fn retry(&self, req: &BulkRequest) -> Result<DlqRetryResponse> {
        self.client.run_call(api::dlq::retry(req)?).await
    }
}

/// `client.flowControl`.
#[derive(Clone, Debug)]
pub struct FlowControl {
    client: Client,
}

impl FlowControl {
    pub(super) fn new(client: Client) -> Self {
        FlowControl { client }
    }

    /// A flow-control key's state.
    pub async fn get(&self, key: &str) -> Result<FlowControlInfo> {
        self.client.run(api::flow_control::get(key)?).await
    }

    /// Every flow-control key (`GET /v2/flowControl`).
    pub async fn list(&self) -> Result<Vec<FlowControlInfo>> {
        self.client.run(api::flow_control::list()).await
    }

    /// Global parallelism.
    pub async fn global_parallelism(&self) -> Result<GlobalParallelism> {
        self.client
            .run(api::flow_control::global_parallelism())
            .await
    }

    /// Pauses delivery for a key.
    pub async fn pause(&self, key: &str) -> Result<()> {
        self.client.run_unit(api::flow_control::pause(key)).await
    }

    /// Resumes delivery for a key.
    pub async fn resume(&self, key: &str) -> Result<()> {
        self.client.run_unit(api::flow_control::resume(key)).await
    }

    /// Pins parallelism/rate/period for a key.
    pub async fn pin(&self, key: &str, opts: &PinOptions) -> Result<()> {
        self.client
            .run_unit(api::flow_control::pin(key, opts)?)
            .await
    }

    /// Unpins parallelism and/or rate.
    pub async fn unpin(&self, key: &str, opts: &UnpinOptions) -> Result<()> {
        self.client
            .run_unit(api::flow_control::unpin(key, opts)?)
            .await
    }

    /// Resets the rate window of a key.
    pub async fn reset_rate(&self, key: &str) -> Result<()> {
        self.client
            .run_unit(api::flow_control::reset_rate(key))
            .await
    }
}

/// Signing keys.
#[derive(Clone, Debug)]
pub struct SigningKeys {
    client: Client,
}

impl SigningKeys {
    pub(super) fn new(client: Client) -> Self {
        SigningKeys { client }
    }

    /// The current and next signing keys.
    pub async fn get(&self) -> Result<Keys> {
        self.client.run(api::signing_keys::get()).await
    }

    /// Rotates: next becomes current, a new next is made.
    pub async fn rotate(&self) -> Result<Keys> {
        self.client.run(api::signing_keys::rotate()).await
    }
}
