package io.miaobu.postgres;

import io.miaobu.auth.User;
import java.util.Optional;
import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.customizer.BindMethods;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

/** SQL for users. Emails arrive here already lowercased (see {@link PostgresUserStore}). */
@RegisterConstructorMapper(User.class)
public interface UserDao {
    String COLUMNS = "id, email, password_hash, created_at";

    @SqlUpdate("INSERT INTO users (" + COLUMNS + ") VALUES (:id, :email, :passwordHash, :createdAt)")
    void insert(@BindMethods User user);

    @SqlQuery("SELECT " + COLUMNS + " FROM users WHERE email = :email")
    Optional<User> findByEmail(@Bind("email") String lowercasedEmail);

    @SqlQuery("SELECT " + COLUMNS + " FROM users WHERE id = :id")
    Optional<User> findById(@Bind("id") String id);
}
