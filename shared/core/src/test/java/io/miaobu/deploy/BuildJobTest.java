package io.miaobu.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class BuildJobTest {
    @Test
    void a_job_read_back_from_its_message_is_the_same_job() {
        BuildJob job = new BuildJob("d123abc");
        assertThat(BuildJob.fromMessage(job.toMessage())).contains(job);
    }

    @Test
    void fields_added_by_a_later_release_are_ignored() {
        assertThat(BuildJob.fromMessage("{\"deploymentId\":\"d1\",\"priority\":3}")).contains(new BuildJob("d1"));
    }

    @Test
    void a_message_that_is_not_a_build_job_is_refused_not_built() {
        for (String body : new String[] {null, "", "  ", "not json", "{}", "{\"deploymentId\":\"\"}", "{\"deploymentId\":42}", "[]"}) {
            assertThat(BuildJob.fromMessage(body)).as(String.valueOf(body)).isEmpty();
        }
    }
}
