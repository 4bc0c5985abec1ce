//! The delivery channels (delivery services) this server has registered, and what each one's
//! `channel_config` takes.

use leptos::prelude::*;

use crate::{
    api::subscriptions::list_channels,
    components::{DataTable, Loaded, PageHead},
};

#[component]
pub fn ChannelsPage() -> impl IntoView {
    let channels = Resource::new(|| (), |_| list_channels());
    view! {
        <section class="page">
            <PageHead title=Signal::derive(|| "Channels".to_owned()) />
            <p class="muted">"Each subscription delivers through one channel; more register through the engine's Channel trait."</p>
            <Loaded resource=channels what="channels" let:channels>
                {channels
                    .into_iter()
                    .map(|channel| {
                        let is_empty = channel.config.is_empty();
                        let marker = channel.name.clone();
                        view! {
                            <article class="card" data-channel=marker>
                                <h2><code>{channel.name.clone()}</code></h2>
                                <p>{channel.description}</p>
                                <DataTable columns=&["Config key", "Meaning"] is_empty empty="No configuration.">
                                    {channel.config.into_iter().map(|(key, meaning)| view! { <tr><td><code>{key}</code></td><td>{meaning}</td></tr> }).collect_view()}
                                </DataTable>
                            </article>
                        }
                    })
                    .collect_view()}
            </Loaded>
        </section>
    }
}
