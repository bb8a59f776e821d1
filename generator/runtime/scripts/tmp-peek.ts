import { connect } from 'amqplib';
const m = await connect('amqp://guest:guest@127.0.0.1:5672');
const ch = await m.createChannel();
const msg = await ch.get(process.argv[2] as string, { noAck: false });
if (msg) console.log(JSON.stringify(msg.properties.headers).slice(0, 800));
await m.close();
