//! The exact commands a person runs next, with the cluster's names filled in.

use std::borrow::Cow;

/// The names that go into every command.
#[derive(Debug, Clone, Copy)]
pub struct Names<'a> {
    /// Resource group.
    pub resource_group: &'a str,
    /// Cluster name.
    pub cluster: &'a str,
}

/// Quote for POSIX shells when needed: resource groups may contain `(` and `)`. Borrowed
/// when no quoting is needed (the usual case: commands are built at every new action).
fn q(s: &str) -> Cow<'_, str> {
    if s.bytes()
        .all(|b| b.is_ascii_alphanumeric() || b"-_./".contains(&b))
    {
        Cow::Borrowed(s)
    } else {
        Cow::Owned(format!("'{}'", s.replace('\'', r"'\''")))
    }
}

impl Names<'_> {
    fn rg_name(&self) -> String {
        format!(
            "--resource-group {} --name {}",
            q(self.resource_group),
            q(self.cluster)
        )
    }

    fn rg_cluster(&self) -> String {
        format!(
            "--resource-group {} --cluster-name {}",
            q(self.resource_group),
            q(self.cluster)
        )
    }

    /// `az aks rotate-certs`.
    pub fn rotate_certs(&self) -> String {
        format!("az aks rotate-certs {}", self.rg_name())
    }

    /// `az aks get-credentials … --overwrite-existing` (with `--admin` for the admin
    /// credential).
    pub fn get_credentials(&self, admin: bool) -> String {
        format!(
            "az aks get-credentials {}{} --overwrite-existing",
            self.rg_name(),
            if admin { " --admin" } else { "" }
        )
    }

    /// `az aks upgrade --kubernetes-version`.
    pub fn upgrade(&self, version: &str) -> String {
        format!(
            "az aks upgrade {} --kubernetes-version {}",
            self.rg_name(),
            q(version)
        )
    }

    /// `az aks nodepool upgrade --kubernetes-version` for one pool.
    pub fn nodepool_upgrade(&self, pool: &str, version: &str) -> String {
        format!(
            "az aks nodepool upgrade {} --name {} --kubernetes-version {}",
            self.rg_cluster(),
            q(pool),
            q(version)
        )
    }

    /// `az aks nodepool upgrade --node-image-only` for one pool.
    pub fn node_image_upgrade(&self, pool: &str) -> String {
        format!(
            "az aks nodepool upgrade {} --name {} --node-image-only",
            self.rg_cluster(),
            q(pool)
        )
    }

    /// Recreating a pool: delete it, then add it back with the same count. AKS refuses to
    /// delete a cluster's last System pool, so for that one (`replacement` names a free
    /// pool name) a new System pool is added first and the old one deleted after.
    pub fn recreate_pool(
        &self,
        pool: &str,
        count: u32,
        system: bool,
        replacement: Option<&str>,
    ) -> Vec<String> {
        let add = |name: &str, system: bool| {
            format!(
                "az aks nodepool add {} --name {} --node-count {count}{}",
                self.rg_cluster(),
                q(name),
                if system { " --mode System" } else { "" }
            )
        };
        let delete = format!(
            "az aks nodepool delete {} --name {}",
            self.rg_cluster(),
            q(pool)
        );
        match replacement {
            Some(new) => vec![add(new, true), delete],
            None => vec![delete, add(pool, system)],
        }
    }

    /// `az aks nodepool update --tags <opt-out>=true`.
    pub fn kscr_opt_out(&self, pool: &str, tag: &str) -> String {
        format!(
            "az aks nodepool update {} --name {} --tags {}=true",
            self.rg_cluster(),
            q(pool),
            q(tag)
        )
    }

    /// `az aks start`.
    pub fn start(&self) -> String {
        format!("az aks start {}", self.rg_name())
    }

    /// `az aks show` narrowed to the provisioning state.
    pub fn show_state(&self) -> String {
        format!(
            "az aks show {} --query provisioningState -o tsv",
            self.rg_name()
        )
    }
}

/// The seed's check that old certificates no longer work / new ones do.
pub const KUBECTL_GET_NODES: &str = "kubectl get nodes";

/// The seed's check of which nodes carry the KSCR label (`label_key` from the policy's
/// `kscrLabel`).
pub fn kubectl_kscr_label(label_key: &str) -> String {
    format!("kubectl get nodes -L {}", q(label_key))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commands_fill_in_names_and_quote_only_when_needed() {
        let n = Names {
            resource_group: "rg-prod",
            cluster: "aks1",
        };
        assert_eq!(
            n.rotate_certs(),
            "az aks rotate-certs --resource-group rg-prod --name aks1"
        );
        assert_eq!(
            n.get_credentials(false),
            "az aks get-credentials --resource-group rg-prod --name aks1 --overwrite-existing"
        );
        let odd = Names {
            resource_group: "rg(eu)",
            cluster: "aks1",
        };
        assert_eq!(
            odd.start(),
            "az aks start --resource-group 'rg(eu)' --name aks1"
        );
    }
}
