import { Field, InputType, ObjectType } from 'type-graphql';
import { OfficerRole } from '../../entities';
import { Node } from '../relay';

@ObjectType('Officer', {
  implements: Node,
  description: 'A person who works cases (网格员, 驻村民警, township or county officer, supervisor, admin).',
})
export class OfficerType extends Node {
  @Field({ description: 'Full name.' })
  name!: string;

  @Field({ description: 'Mobile phone; shown in full to the officer themself and to admins, masked (138****0000) to others.' })
  phone!: string;

  @Field(() => OfficerRole, { description: 'Role, which decides what they may do.' })
  role!: OfficerRole;
}

@ObjectType('Resident', { description: 'A member of the public who reported a case (群众), known by their chat identity.' })
export class ResidentType {
  @Field({ description: 'Display name on the chat channel.' })
  displayName!: string;

  @Field(() => String, {
    nullable: true,
    description: 'Phone, if given; masked (138****0000) except for the handling unit and the units above it.',
  })
  phone?: string | null;
}

@InputType({ description: 'Credentials for login.' })
export class LoginInput {
  @Field({ description: 'Mobile phone the officer was registered with.' })
  phone!: string;

  @Field({ description: 'Password.' })
  password!: string;
}

@ObjectType({ description: 'Result of login.' })
export class LoginPayload {
  @Field({ description: 'Bearer token: send it as `Authorization: Bearer <token>`.' })
  token!: string;

  @Field({ description: 'When the token stops working.' })
  expiresAt!: Date;

  @Field(() => OfficerType, { description: 'The officer who logged in.' })
  officer!: OfficerType;
}

@ObjectType({ description: 'A one-time code binding a chat contact to the officer who asked for it.' })
export class ChatBindingCode {
  @Field({ description: 'Send “绑定 <code>” to the bot.' })
  code!: string;

  @Field({ description: 'The code stops working then (10 minutes).' })
  expiresAt!: Date;
}
